import { firstEvidence, type FrameworkAdapter } from "../types.js";

export const litestar: FrameworkAdapter = {
  id: "litestar",
  language: "python",
  priority: 30,
  detect: (facts) => (facts.language === "python" ? firstEvidence(facts, ["litestar"], ["litestar"]) : undefined),
  routes: { language: "python", load: async () => [(await import("./routes.js")).litestarRoutes] },
};
