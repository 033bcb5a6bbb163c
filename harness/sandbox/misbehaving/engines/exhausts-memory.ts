import { misbehavingEngine } from "../kit.ts";

// Allocates until the heap is gone.
export default misbehavingEngine({
  name: "exhausts-memory",
  run: () => {
    // Arrays live on the V8 heap (a Buffer would live outside it and dodge the limit).
    const hoard: number[][] = [];
    for (let i = 0; ; i++) hoard.push(new Array<number>(1_000_000).fill(i));
  },
});
