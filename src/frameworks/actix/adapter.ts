import { firstEvidence, type FrameworkAdapter } from "../types.js";

export const actix: FrameworkAdapter = {
  id: "actix",
  language: "rust",
  priority: 30,
  detect: (facts) => (facts.language === "rust" ? firstEvidence(facts, ["actix-web"], ["actix_web"]) : undefined),
  routes: { language: "rust", load: async () => [(await import("./routes.js")).actixRoutes] },
};
