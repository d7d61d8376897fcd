import { firstEvidence, type FrameworkAdapter } from "../types.js";

export const starlette: FrameworkAdapter = {
  id: "starlette",
  language: "python",
  priority: 20,
  detect: (facts) => (facts.language === "python" ? firstEvidence(facts, ["starlette"], ["starlette"]) : undefined),
  routes: { language: "python", load: async () => [(await import("./routes.js")).starletteRoutes] },
};
