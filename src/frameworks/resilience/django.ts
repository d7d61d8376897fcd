import type { CallsAdapter } from "./types.js";

export const djangoCalls: CallsAdapter = {
  async plan() {
    return { edits: [], notes: [{ message: "not yet" }], requirements: [] };
  },
};
