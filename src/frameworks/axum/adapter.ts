import { axumHealth } from "./health.js";
import { firstEvidence, type FrameworkAdapter } from "../types.js";

export const axum: FrameworkAdapter = {
  id: "axum",
  language: "rust",
  priority: 30,
  detect: (facts) => (facts.language === "rust" ? firstEvidence(facts, ["axum"], ["axum"]) : undefined),
  health: axumHealth,
  routes: { language: "rust", load: async () => [(await import("./routes.js")).axumRoutes] },
};
