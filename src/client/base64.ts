/** `bytes` in base64, as S3's checksum headers and POST policies spell them; every runtime has btoa. */
export function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
