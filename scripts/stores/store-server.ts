/** An S3 server started for a run: its endpoint and credentials, and how to stop it. */
export interface StoreServer {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Ends the server and removes its data. */
  stop(): Promise<void>;
}
