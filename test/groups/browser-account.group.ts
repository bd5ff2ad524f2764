import '../browser/account.e2e-spec.js';
import '../browser/admin.e2e-spec.js';
import '../browser/webhooks.e2e-spec.js';
import '../browser/previews.e2e-spec.js';
import '../browser/subscriptions.e2e-spec.js';
