import { fastapiHealth } from "./health.js";
import { firstEvidence, type FrameworkAdapter } from "../types.js";

export const fastapi: FrameworkAdapter = {
  id: "fastapi",
  language: "python",
  priority: 30,
  detect: (facts) => (facts.language === "python" ? firstEvidence(facts, ["fastapi"], ["fastapi"]) : undefined),
  health: fastapiHealth,
  routes: { language: "python", load: async () => [(await import("./routes.js")).fastapiRoutes] },
};
