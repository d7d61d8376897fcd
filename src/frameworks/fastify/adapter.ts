import { firstEvidence, type FrameworkAdapter } from "../types.js";

export const fastify: FrameworkAdapter = {
  id: "fastify",
  language: "javascript",
  priority: 25,
  detect: (facts) => (facts.language === "javascript" || facts.language === "typescript" ? firstEvidence(facts, ["fastify"], ["fastify"]) : undefined),
  routes: { language: "javascript", load: async () => [(await import("./routes.js")).fastifyRoutes] },
};
