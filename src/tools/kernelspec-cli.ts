#!/usr/bin/env node
/**
 * `npm run kernel`: registers the workbook's TypeScript kernel for the current user, so VS Code and
 * any Jupyter find it. `npm run kernel -- --remove` takes it away again. No Python needed.
 */
import { parseArgs } from "node:util";
import {
  jupyterDataDir,
  KERNEL_DISPLAY_NAME,
  KERNEL_NAME,
  kernelsDirIn,
  removeKernelSpec,
  workbookKernelSpec,
  writeKernelSpec,
} from "./kernelspec";

const USAGE = `Usage: npm run kernel [-- --remove]
  Registers the kernel "${KERNEL_DISPLAY_NAME}" (${KERNEL_NAME}) for the current user,
  in ${kernelsDirIn(jupyterDataDir())} (JUPYTER_DATA_DIR moves it). Running it again changes nothing.
  --remove   remove that kernel`;

async function main(args: string[]): Promise<number> {
  let values: { remove?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({ args, options: { remove: { type: "boolean" }, help: { type: "boolean", short: "h" } } }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const kernelsDir = kernelsDirIn(jupyterDataDir());
  if (values.remove) {
    const removed = await removeKernelSpec(kernelsDir);
    console.log(
      removed
        ? `Removed the kernel "${KERNEL_NAME}" from ${kernelsDir}.`
        : `No "${KERNEL_NAME}" kernel in ${kernelsDir}; nothing to remove.`,
    );
    return 0;
  }
  const spec = workbookKernelSpec();
  const kernelDir = await writeKernelSpec(kernelsDir, spec);
  console.log(`Registered the kernel "${KERNEL_DISPLAY_NAME}" in ${kernelDir}`);
  console.log(`It runs ${spec.argv[1]} with ${spec.argv[0]}.`);
  console.log(
    "Open a notebook from notebooks/ in VS Code (Jupyter extension) or Jupyter; the notebooks ask for this kernel.",
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A folder that cannot be written (permissions, a read-only home): say which, without a stack.
    console.error(`Could not register the kernel: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
