/**
 * Jupyter's wire protocol (messaging spec 5.3): building, signing, encoding and verifying messages.
 *
 * A message on a socket is: zero or more routing identities, the delimiter `<IDS|MSG>`, an HMAC
 * signature, then four JSON frames (header, parent header, metadata, content). The signature is the
 * hex HMAC of those four frames with the connection's key; a kernel ignores what it cannot verify,
 * and so do we.
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

export const PROTOCOL_VERSION = "5.3";
const DELIMITER = Buffer.from("<IDS|MSG>");

export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

export interface JupyterMessage<Content = Record<string, unknown>> {
  header: MessageHeader;
  /** Empty object for messages that answer nothing. */
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: Content;
}

export class MessageSigner {
  constructor(
    private readonly key: string,
    readonly session: string = randomUUID(),
  ) {}

  /** A new request from this client's session. */
  message<Content extends object>(msgType: string, content: Content): JupyterMessage<Content> {
    return {
      header: {
        msg_id: randomUUID(),
        session: this.session,
        username: "notebook-runner",
        date: new Date().toISOString(),
        msg_type: msgType,
        version: PROTOCOL_VERSION,
      },
      parent_header: {},
      metadata: {},
      content,
    };
  }

  /** Frames for a DEALER socket: no identities, the kernel's ROUTER adds ours. */
  encode(message: JupyterMessage<object>): Buffer[] {
    const body = [message.header, message.parent_header, message.metadata, message.content].map((part) =>
      Buffer.from(JSON.stringify(part)),
    );
    return [DELIMITER, Buffer.from(this.sign(body)), ...body];
  }

  /**
   * Parses frames received on any socket. Returns undefined for frames that are not a message or
   * whose signature does not match: those did not come from the kernel we started.
   */
  decode(frames: readonly Buffer[]): JupyterMessage | undefined {
    const delimiterAt = frames.findIndex((frame) => frame.equals(DELIMITER));
    if (delimiterAt < 0) return undefined;
    const signature = frames[delimiterAt + 1];
    const body = frames.slice(delimiterAt + 2, delimiterAt + 6);
    if (signature === undefined || body.length !== 4 || !this.verify(signature, body)) return undefined;
    const [header, parentHeader, metadata, content] = body.map(
      (frame) => JSON.parse(frame.toString("utf8")) as unknown,
    );
    return {
      header: header as MessageHeader,
      parent_header: (parentHeader ?? {}) as Partial<MessageHeader>,
      metadata: (metadata ?? {}) as Record<string, unknown>,
      content: (content ?? {}) as Record<string, unknown>,
    };
  }

  private sign(body: readonly Buffer[]): string {
    const hmac = createHmac("sha256", this.key);
    for (const frame of body) hmac.update(frame);
    return hmac.digest("hex");
  }

  private verify(signature: Buffer, body: readonly Buffer[]): boolean {
    const expected = Buffer.from(this.sign(body));
    return expected.length === signature.length && timingSafeEqual(expected, signature);
  }
}
