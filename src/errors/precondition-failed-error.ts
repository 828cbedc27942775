import { S3Error } from "./s3-error.js";

/** A condition did not hold: 412 on ifMatch / ifNoneMatch, or the object changed while a read was being resumed. */
export class PreconditionFailedError extends S3Error {}
