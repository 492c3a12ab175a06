import { describe, expect, it } from "vitest";
import { MessageSigner } from "../../../src/tools/notebook/protocol";

describe("Jupyter wire messages", () => {
  it("round-trips a signed message through encode and decode", () => {
    const signer = new MessageSigner("secret");
    const message = signer.message("execute_request", { code: "1 + 1" });
    const decoded = signer.decode(signer.encode(message));
    expect(decoded?.header.msg_type).toBe("execute_request");
    expect(decoded?.content).toEqual({ code: "1 + 1" });
  });

  it("skips routing identities before the delimiter", () => {
    const signer = new MessageSigner("secret");
    const frames = [Buffer.from("identity"), ...signer.encode(signer.message("status", { execution_state: "idle" }))];
    expect(signer.decode(frames)?.content).toEqual({ execution_state: "idle" });
  });

  it("rejects messages signed with another key or altered after signing", () => {
    const ours = new MessageSigner("secret");
    const theirs = new MessageSigner("other key");
    expect(ours.decode(theirs.encode(theirs.message("status", {})))).toBeUndefined();
    const frames = ours.encode(ours.message("stream", { text: "a" }));
    frames[frames.length - 1] = Buffer.from(JSON.stringify({ text: "tampered" }));
    expect(ours.decode(frames)).toBeUndefined();
  });

  it("signs with HMAC-SHA256 over header, parent header, metadata and content, as the spec says", async () => {
    const { createHmac } = await import("node:crypto");
    const signer = new MessageSigner("k");
    const [, signature, ...body] = signer.encode(signer.message("kernel_info_request", {}));
    const expected = createHmac("sha256", "k");
    for (const frame of body) expected.update(frame);
    expect(signature?.toString()).toBe(expected.digest("hex"));
    expect(body).toHaveLength(4);
  });
});
