import { djangoHealth } from "./health.js";
import { firstEvidence, type FrameworkAdapter } from "../types.js";

export const django: FrameworkAdapter = {
  id: "django",
  language: "python",
  // manage.py is the strongest signal a folder is a Django project, whatever else it imports.
  priority: 40,
  detect: (facts) =>
    facts.language === "python" ? (facts.markers.get("manage.py") ?? firstEvidence(facts, ["django", "djangorestframework"], ["django"])) : undefined,
  health: djangoHealth,
  routes: { language: "python", load: async () => [(await import("./routes.js")).djangoRoutes] },
};
