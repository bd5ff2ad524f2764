import '../browser/buyer.e2e-spec.js';
import '../browser/cart.e2e-spec.js';
import '../browser/slices.e2e-spec.js';
import '../browser/dataset-card.e2e-spec.js';
