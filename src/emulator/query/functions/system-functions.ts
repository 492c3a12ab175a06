/** Every system function the engine knows, by upper-case name. */
import { ARRAY_FUNCTIONS } from "./array-functions";
import { DATE_FUNCTIONS } from "./date-functions";
import type { FunctionTable } from "./function-table";
import { MATH_FUNCTIONS } from "./math-functions";
import { SPATIAL_FUNCTIONS } from "./spatial-functions";
import { STRING_FUNCTIONS } from "./string-functions";
import { TYPE_FUNCTIONS } from "./type-functions";

export const SYSTEM_FUNCTIONS: FunctionTable = {
  ...TYPE_FUNCTIONS,
  ...STRING_FUNCTIONS,
  ...MATH_FUNCTIONS,
  ...ARRAY_FUNCTIONS,
  ...DATE_FUNCTIONS,
  ...SPATIAL_FUNCTIONS,
};
