import '../embedded-postgres.e2e-spec.js';
import '../migrations.e2e-spec.js';
import '../checkout-migrations.e2e-spec.js';
import '../withdrawal-migrations.e2e-spec.js';
