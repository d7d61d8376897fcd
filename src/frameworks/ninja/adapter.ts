import { firstEvidence, type FrameworkAdapter } from "../types.js";

// A django-ninja project is a Django project: Django's adapter detects it and scaffolds its
// health routes; this one teaches route extraction the ninja API objects Django mounts.
export const ninja: FrameworkAdapter = {
  id: "django-ninja",
  language: "python",
  priority: 35,
  detect: (facts) => (facts.language === "python" ? firstEvidence(facts, ["django-ninja"], ["ninja"]) : undefined),
  routes: { language: "python", load: async () => [(await import("./routes.js")).ninjaRoutes] },
};
