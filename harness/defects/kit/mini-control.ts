import { miniEngine } from "./mini-engine.ts";

/**
 * Not a defect: the hand-written mini engine with no bug planted. It must pass every scenario its variants
 * fail, which shows each of those failures is the planted bug and not a shortcut of the mini engine.
 */
export default miniEngine("mini-control");
