import { firstEvidence, type FrameworkAdapter } from "../types.js";

export const flask: FrameworkAdapter = {
  id: "flask",
  language: "python",
  priority: 25,
  detect: (facts) => (facts.language === "python" ? firstEvidence(facts, ["flask"], ["flask"]) : undefined),
  routes: { language: "python", load: async () => [(await import("./routes.js")).flaskRoutes, (await import("./restx.js")).restxRoutes] },
};
