/**
 * Posts a presigned POST form as a browser does: its fields (with `overrides` over them, `null`
 * to leave one out) and then the file, last.
 */
export async function postForm(
  post: { url: string; fields: Record<string, string> },
  file: Blob,
  filename = "upload.bin",
  overrides: Record<string, string | null> = {},
): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries({ ...post.fields, ...overrides })) {
    if (value !== null) form.append(name, value);
  }
  form.append("file", file, filename);
  return fetch(post.url, { method: "POST", body: form, redirect: "manual" });
}

/** Posts a form (see `postForm`) and returns the status and the answer's text. */
export async function postStatus(
  post: { url: string; fields: Record<string, string> },
  file: Blob,
  overrides: Record<string, string | null> = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await postForm(post, file, "upload.bin", overrides);
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** The policy document of a presigned POST, decoded. */
export function policyOf(post: { fields: Record<string, string> }): { conditions: unknown[] } {
  return JSON.parse(Buffer.from(post.fields.Policy ?? "", "base64").toString("utf8"));
}
