/**
 * Chevrotain, loaded from the single-file bundle its package ships (`lib/chevrotain.min.js`, the same
 * release as its module tree). Its module entry pulls in more than 500 separate `lodash` modules,
 * and resolving and compiling them took about a second on this project's 2-core machines, ten times
 * what the bundle takes; the emulator pays it on its first query, which in the lab is the connect
 * cell's `readOffer()`. The package's `exports` name only its entry, so the bundle is found beside it.
 */
import { dirname, join } from "node:path";

type Chevrotain = typeof import("chevrotain");

const entry = require.resolve("chevrotain"); // <package>/lib/src/api.js
const chevrotain: Chevrotain = require(join(dirname(entry), "..", "chevrotain.min.js"));

export const { createToken, EmbeddedActionsParser, Lexer } = chevrotain;
export type { IToken, TokenType } from "chevrotain";
export type Lexer = import("chevrotain").Lexer;
