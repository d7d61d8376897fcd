import type { CallsAdapter } from "./types.js";

export const axumCalls: CallsAdapter = {
  async plan() {
    return { edits: [], notes: [{ message: "not yet" }], requirements: [] };
  },
};
