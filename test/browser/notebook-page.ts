/**
 * Jupyter Notebook's web page driven the way a learner uses it: Debian's Chromium through
 * playwright-core (no browser download), menus clicked, outputs read from what the page shows.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { it } from "vitest";
import { findOnPath } from "../../src/tools/notebook/jupyter-launcher";
import { projectRoot } from "../../src/tools/project-paths";

export const CHROMIUM = process.env.WORKBOOK_CHROMIUM ?? "/usr/bin/chromium";
export const SCREENSHOTS = join(projectRoot(), "out", "screenshots");
export const INSTALL_BROWSER_TESTS =
  "apt-get install -y chromium jupyter-notebook python3-nbconvert (the browser tests drive Debian's Chromium and Jupyter Notebook)";

/** A whole notebook, Restart & Run All included, may take this long on two shared cores. */
export const RUN_ALL_TIMEOUT_MS = 300_000;

export function browserTestsCanRun(): boolean {
  return existsSync(CHROMIUM) && findOnPath("jupyter-notebook") !== undefined;
}

/** Without Chromium or Jupyter: skipped with the install command, except on CI, where that is a failure. */
export function browserTestsMissing(what: string): void {
  it.runIf(Boolean(process.env.CI))("needs Chromium and Jupyter Notebook on CI", () => {
    throw new Error(`Missing for the browser tests: ${INSTALL_BROWSER_TESTS}`);
  });
  if (!process.env.CI) it.skip(`${what} are skipped. Install: ${INSTALL_BROWSER_TESTS}`, () => undefined);
}

export interface Browser {
  context: BrowserContext;
  close: () => Promise<void>;
}

/** Chromium with a fresh profile, headless, no network chatter of its own. */
export async function launchBrowser(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), "chromium-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** What one code cell shows, read from the page. */
export interface ShownCell {
  index: number;
  tags: string[];
  source: string;
  prompt: string;
  /** The text of its outputs, one output per line. */
  text: string;
  /** Text of its stderr and error outputs (tslab sends errors as stderr). */
  errorText: string;
  /** Outputs whose bundle holds a picture (image/png), and how many pictures drawn on the page have loaded. */
  pictures: number;
  loadedImages: number;
  /** Each row of the tables in its outputs, cells joined by " | ". */
  tableRows: string[];
  /** Table cells drawn with a background colour (an outcome's toned rows). */
  colouredCells: number;
}

/** Opens a notebook and waits until its kernel is idle; autosave is turned off so the committed file stays as it is. */
export async function openNotebook(context: BrowserContext, base: string, token: string, path: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/notebooks/${path}?token=${token}`);
  await page.waitForFunction(() => {
    const notebook = window.Jupyter?.notebook;
    return notebook?._fully_loaded === true && notebook.kernel?.is_connected() === true;
  });
  await page.evaluate(() => window.Jupyter!.notebook.set_autosave_interval(0));
  await waitForIdleKernel(page);
  return page;
}

/** Kernel > Restart & Run All, confirmed, then wait until every cell has run (or was aborted) and the kernel is idle. */
export async function restartAndRunAll(page: Page): Promise<void> {
  await page.click("#kernellink");
  await page.click("#restart_run_all");
  await page.click(".modal-footer button.btn-danger");
  // Restarting clears the prompts; wait for the first cell to have been sent before waiting for the end.
  await page.waitForFunction(
    () =>
      window
        .Jupyter!.notebook.get_cells()
        .some((cell) => cell.cell_type === "code" && cell.input_prompt_number === "*"),
    undefined,
    { timeout: 60_000 },
  );
  await waitUntilSettled(page);
}

/** Runs one code cell (by its index among all cells) again and waits for it. */
export async function runCellAgain(page: Page, index: number): Promise<void> {
  await page.evaluate((cellIndex) => {
    const { notebook } = window.Jupyter!;
    notebook.select(cellIndex);
    notebook.execute_cell();
  }, index);
  await page.waitForFunction((cellIndex) => {
    const cell = window.Jupyter!.notebook.get_cell(cellIndex);
    return cell.input_prompt_number === "*";
  }, index);
  await waitUntilSettled(page);
}

async function waitUntilSettled(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      window.Jupyter!.notebook.get_cells().every((cell) => cell.input_prompt_number !== "*") &&
      document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null,
    undefined,
    { timeout: RUN_ALL_TIMEOUT_MS, polling: 500 },
  );
  await waitForIdleKernel(page);
}

async function waitForIdleKernel(page: Page): Promise<void> {
  await page.waitForSelector("#kernel_indicator_icon.kernel_idle_icon", { timeout: 120_000 });
}

/** Every code cell as the page shows it. */
export async function shownCells(page: Page): Promise<ShownCell[]> {
  return page.evaluate(() =>
    window
      .Jupyter!.notebook.get_cells()
      .map((cell, index) => ({ cell, index }))
      .filter(({ cell }) => cell.cell_type === "code")
      .map(({ cell, index }) => {
        const area = cell.element[0]?.querySelector(".output_wrapper");
        const errors = [...(area?.querySelectorAll(".output_stderr, .output_error") ?? [])];
        const images = [...(area?.querySelectorAll("img") ?? [])];
        return {
          index,
          tags: cell.metadata.tags ?? [],
          source: cell.get_text(),
          prompt: String(cell.input_prompt_number ?? ""),
          text: [...(area?.querySelectorAll(".output_subarea") ?? [])].map((output) => output.textContent).join("\n"),
          errorText: errors.map((element) => element.textContent).join("\n"),
          pictures: cell.output_area.outputs.filter((output) => output.data?.["image/png"] !== undefined).length,
          loadedImages: images.filter((image) => image.complete === true && (image.naturalWidth ?? 0) > 0).length,
          tableRows: [...(area?.querySelectorAll("tr") ?? [])].map((row) =>
            [...row.querySelectorAll("td, th")].map((cell) => cell.textContent).join(" | "),
          ),
          colouredCells: [...(area?.querySelectorAll("td") ?? [])].filter(
            (cell) => getComputedStyle(cell).backgroundColor !== "rgba(0, 0, 0, 0)",
          ).length,
        };
      }),
  );
}

export async function isTrusted(page: Page): Promise<boolean> {
  return page.evaluate(() => window.Jupyter!.notebook.trusted);
}

/** What a static HTML page (nbconvert's) shows in its outputs: data-URI pictures, how many loaded, coloured cells. */
export async function shownStaticOutputs(
  page: Page,
): Promise<{ pictures: number; loadedImages: number; colouredCells: number }> {
  return page.evaluate(() => {
    const outputs = ".jp-OutputArea-output, .output_area";
    const images = [...document.querySelectorAll(`:is(${outputs}) img`)];
    return {
      pictures: images.filter((image) => (image.getAttribute("src") ?? "").startsWith("data:image/")).length,
      loadedImages: images.filter((image) => image.complete === true && (image.naturalWidth ?? 0) > 0).length,
      colouredCells: [...document.querySelectorAll(`:is(${outputs}) td`)].filter(
        (cell) => getComputedStyle(cell).backgroundColor !== "rgba(0, 0, 0, 0)",
      ).length,
    };
  });
}

/** The whole notebook in one picture: Jupyter scrolls inside #site, so let the page grow first. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.addStyleTag({
    content:
      "body, #site { position: static !important; height: auto !important; overflow: visible !important; }" +
      "#header { position: static !important; }",
  });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

// ---------------------------------------------------------------------------------------------
// What the page functions above see inside Chromium: Jupyter Notebook 6's page-side API
// (window.Jupyter) and the little of the DOM they touch. Declared here, in this module only, so
// the project is type-checked without the DOM library.

declare const window: { Jupyter?: JupyterApp };
declare const document: {
  querySelector: (selector: string) => unknown;
  querySelectorAll: (selector: string) => Iterable<PageElement>;
};
declare function getComputedStyle(element: PageElement): { backgroundColor: string };

interface PageElement {
  textContent: string;
  getAttribute: (name: string) => string | null;
  querySelector: (selector: string) => PageElement | null;
  querySelectorAll: (selector: string) => Iterable<PageElement>;
  complete?: boolean;
  naturalWidth?: number;
}

interface JupyterOutput {
  output_type: string;
  data?: Record<string, unknown>;
}

interface JupyterCell {
  cell_type: string;
  input_prompt_number?: number | string | null;
  metadata: { tags?: string[] };
  element: PageElement[];
  output_area: { outputs: JupyterOutput[] };
  get_text: () => string;
}

interface JupyterApp {
  notebook: {
    _fully_loaded: boolean;
    trusted: boolean;
    kernel?: { is_connected: () => boolean };
    get_cells: () => JupyterCell[];
    get_cell: (index: number) => JupyterCell;
    select: (index: number) => void;
    execute_cell: () => void;
    set_autosave_interval: (milliseconds: number) => void;
  };
}
