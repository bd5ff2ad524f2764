import '../consent.e2e-spec.js';
import '../withdrawal-rights.e2e-spec.js';
import '../notifications.e2e-spec.js';
import '../licences.e2e-spec.js';
import '../provenance.e2e-spec.js';
import '../review-services.e2e-spec.js';
import '../openapi-examples.e2e-spec.js';
