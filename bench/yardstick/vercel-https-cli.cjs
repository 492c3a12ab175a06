// @vercel/cosmosdb-server's CLI, serving the emulator's certificate: its bundled one expired in
// 2021 and names no host, so no client that verifies TLS could reach it. Otherwise the same
// start-up: load the library, listen, print a line. It sits in bench/yardstick/ so that `require`
// finds the package installed there, never in the project's own node_modules.
const { readFileSync } = require("node:fs");
const { createHttpsServer } = require("@vercel/cosmosdb-server");

const { key, cert } = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8"));
const server = createHttpsServer({ key, cert }).listen(0, "127.0.0.1", () => {
  console.log(`Ready to accept HTTPS connections at https://127.0.0.1:${server.address().port}/`);
});
