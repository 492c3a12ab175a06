/**
 * Everything a notebook imports, in one place. Notebooks import the compiled form of this file
 * (`../dist/workbook`) because tslab compiles each cell with the notebook's folder as its root and
 * cannot reach `../src`. `npm install` and `npm run build` produce it.
 *
 * Importing it inside a tslab kernel also makes a failing cell print one line (see cell-errors).
 */
import { installCellErrorPresenter } from "./cell-errors";

installCellErrorPresenter();

export { loadConfig, describeBackend, ConfigError } from "./config";
export type { WorkbookConfig, Backend } from "./config";
export { connect, prepareContainer } from "./client";
export type { Connection, ClientCredential } from "./client";
export { labSettings, openLab, StepOrderError } from "./lab";
export type { LabSettings, OpenLab } from "./lab";
export { usedAccessories, pristineAccessories, labProducts, squeakyBell, labProductIds } from "./lab-products";
export type { Product } from "./lab-products";
export { batchOutcome, reportedBatch, readBackVerdict } from "./read-back";
export type { ReadBackVerdict } from "./read-back";
export { errorDetail } from "./cell-errors";
export { describeContainer } from "./container-info";
export { create, upsert, read, replace, remove, patch, runBatch, readPartition, removeItems } from "./batch-outcomes";
export type { BatchOutcome, OperationOutcome } from "./batch-outcomes";
export {
  formatOutcomeText,
  formatOutcomeHtml,
  formatItemsText,
  formatItemsHtml,
  statusText,
  outcomeLine,
  chargeLine,
  chargeBreakdown,
} from "./format";
export { show } from "./display";
export { runBulk, classifyBulkResults, compareBatchWithBulk, bulkSummary } from "./bulk-outcomes";
export type { BulkOutcome, BulkOperationOutcome } from "./bulk-outcomes";
export { drawPartitionChange, showPartitionChange, compareSnapshots } from "./partition-picture";
export {
  MAX_OPERATIONS_PER_BATCH,
  MAX_BATCH_REQUEST_BYTES,
  numberedCreates,
  numberedIds,
  itemOfSize,
  batchRequestBytes,
  formatBytes,
} from "./limits";
export {
  prepareDeepDiveContainers,
  openDeepDive,
  limitsPartition,
  resetPartition,
  currentETag,
  bikeParts,
  shopStock,
  stockedItems,
  newShopItems,
  order,
  userPartition,
  alice,
  bob,
  tenantOrders,
} from "./deep-dive-data";
export type { ShopItem, Order } from "./deep-dive-data";
