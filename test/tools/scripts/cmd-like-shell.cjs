// A stand-in for Windows' cmd.exe, for running the npm scripts on this Linux machine the way npm
// runs them on Windows: `npm --script-shell=cmd` calls `cmd /d /s /c <script>` (with cmd's own
// escaping of extra arguments), and this file answers to that name.
//
// It understands what cmd.exe and POSIX sh agree on: words, double quotes, `^` escapes, `%VAR%`
// and `&&` chains. What only sh understands is refused with the reason, instead of being run
// differently (single quotes, `$VAR`, backticks, `;`, `VAR=value` prefixes, unquoted globs,
// redirections to /dev/null). Programs are found only where a Windows machine with Node.js has
// them: `node`, `npm` and `npx`, and the node_modules/.bin folders npm puts on PATH; `rm`, `cp`,
// `bash` and the rest of /usr/bin are "not recognized", as cmd.exe would say.
"use strict";
const { spawnSync } = require("node:child_process");
const { existsSync } = require("node:fs");
const path = require("node:path");

const PROGRAMS_EVERY_NODE_INSTALL_HAS = new Set(["node", "npm", "npx"]);

class NotPortable extends Error {}

/** Splits a command line into commands joined by `&&`, each a list of words, as cmd.exe reads it. */
function parse(line, env = process.env) {
  const commands = [[]];
  let word = "";
  let inWord = false;
  let quoted = false;
  const endWord = () => {
    if (inWord) commands[commands.length - 1].push(word);
    word = "";
    inWord = false;
  };
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (char === '"') {
      quoted = !quoted;
      inWord = true;
    } else if (quoted) {
      word += char;
    } else if (char === "^" && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (char === " " || char === "\t") {
      endWord();
    } else if (char === "&" && line[i + 1] === "&") {
      endWord();
      commands.push([]);
      i++;
    } else if (char === "%") {
      const end = line.indexOf("%", i + 1);
      if (end < 0) throw new NotPortable("a lone % (cmd.exe reads %NAME% as a variable)");
      word += env[line.slice(i + 1, end)] ?? "";
      inWord = true;
      i = end;
    } else if ("'`$;|<>&*?".includes(char)) {
      throw new NotPortable(
        `${JSON.stringify(char)} outside double quotes means something else, or nothing, to cmd.exe`,
      );
    } else {
      word += char;
      inWord = true;
    }
  }
  if (quoted) throw new NotPortable("an unterminated double quote");
  endWord();
  for (const words of commands) {
    if (words.length === 0) throw new NotPortable("an empty command around &&");
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) {
      throw new NotPortable(`${words[0]}: cmd.exe has no NAME=value prefix (set it in the program, or with cross-env)`);
    }
  }
  return commands;
}

/** Where a Windows machine with Node.js would find the program, or undefined. */
function findProgram(name, env = process.env) {
  if (name.includes("/") || name.includes("\\")) return undefined; // cmd.exe cannot run a script by path
  const folders = (env.PATH ?? "").split(path.delimiter).filter(Boolean);
  const candidates = PROGRAMS_EVERY_NODE_INSTALL_HAS.has(name)
    ? folders
    : folders.filter((folder) => folder.endsWith(path.join("node_modules", ".bin")));
  return candidates.map((folder) => path.join(folder, name)).find((file) => existsSync(file));
}

/** Checks every command of a line without running it; returns the problems, one sentence each. */
function check(line, env = process.env) {
  try {
    return parse(line, env)
      .filter(([program]) => findProgram(program, env) === undefined)
      .map(([program]) => `'${program}' is not recognized as an internal or external command`);
  } catch (error) {
    if (error instanceof NotPortable) return [`not portable: ${error.message}`];
    throw error;
  }
}

/** Runs a line as cmd.exe would: each command after `&&` only when the one before succeeded. */
function run(line) {
  for (const [program, ...args] of parse(line)) {
    const file = findProgram(program);
    if (file === undefined) {
      console.error(`'${program}' is not recognized as an internal or external command,`);
      return 1; // cmd.exe says 9009, which POSIX exit statuses cannot hold
    }
    const result = spawnSync(file, args, { stdio: "inherit" });
    if (result.status !== 0) return result.status ?? 1;
  }
  return 0;
}

/** The program: `cmd /d /s /c <script>`, as npm calls it. */
function main(args = process.argv.slice(2)) {
  // npm calls `cmd /d /s /c <script>`; /d and /s change nothing for these scripts.
  const script = args.slice(args.indexOf("/c") + 1).join(" ");
  try {
    process.exitCode = run(script);
  } catch (error) {
    if (!(error instanceof NotPortable)) throw error;
    console.error(`cmd-like-shell: not portable: ${error.message}\n  in: ${script}`);
    process.exitCode = 1;
  }
}

if (require.main === module) main();

module.exports = { check, main, parse };
