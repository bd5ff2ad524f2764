import '../browser/pages.e2e-spec.js';
import '../browser/newcomer.e2e-spec.js';
import '../browser/docs.e2e-spec.js';
import '../browser/user-text.e2e-spec.js';
import '../browser/footprints.e2e-spec.js';
