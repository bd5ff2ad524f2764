// The contributor dashboard: sign in, upload captures (resumable), follow their processing, make datasets of the ready
// ones and submit them for review, see the earnings of every sale and verify each share against the chain. Each
// section is its own module under contribute/; this one signs in and puts them together.
import { session } from './api.js';
import { CapturesSection } from './contribute/captures-section.js';
import { ConsentSection } from './contribute/consent-section.js';
import { DatasetsSection } from './contribute/datasets-section.js';
import { EarningsSection } from './contribute/earnings-section.js';
import { payoutForm } from './contribute/payout-form.js';
import { UploadsSection } from './contribute/uploads-section.js';
import { h, mount, shorten, signInPanel, startPage } from './ui.js';
/** @import { User } from '../../types/api' */

const { app } = startPage();

/**
 * A titled section of the dashboard.
 * @param {string} id
 * @param {string} title
 * @param {...HTMLElement} content
 */
const section = (id, title, ...content) => h('section', { 'aria-labelledby': id }, h('h2', { id }, title), content);

/**
 * The signed-in dashboard; the sections share the list of captures. Answers a function that stops its background work.
 * @param {User} user
 */
function dashboard(user) {
  const captures = new CapturesSection();
  const uploads = new UploadsSection(user, captures);
  const datasets = new DatasetsSection(user, captures);
  const earnings = new EarningsSection(user);
  const consent = new ConsentSection(user);
  mount(
    app,
    h('p', { className: 'who' }, `Signed in as ${user.email ?? shorten(user.walletAddress ?? user.id)}.`),
    section('uploads-heading', 'Upload captures', uploads.element),
    section('captures-heading', 'Your captures', captures.element),
    section('datasets-heading', 'Your datasets', datasets.element),
    section('consent-heading', 'Consent requests', consent.element),
    section('earnings-heading', 'Earnings', earnings.element, payoutForm(user)),
  );
  uploads.showPending();
  void captures.refresh();
  void datasets.load();
  void earnings.load();
  void consent.load();
  return () => {
    captures.stop();
    uploads.stop();
    datasets.stop();
    earnings.stop();
  };
}

/** @type {string | undefined} */
let shownUserId;
/** @type {(() => void) | null} */
let stopDashboard = null;

function render() {
  const user = session.user;
  if (user?.id === shownUserId && stopDashboard) return;
  stopDashboard?.();
  stopDashboard = null;
  shownUserId = user?.id;
  if (!user) {
    mount(
      app,
      h('p', {}, 'Contributors upload captures, group them into datasets and are paid their exact share of every sale.'),
      signInPanel({ roles: ['contributor'], title: 'Sign in to contribute' }),
    );
    return;
  }
  if (user.role !== 'contributor' && user.role !== 'admin') {
    mount(
      app,
      h(
        'p',
        { className: 'error', role: 'alert' },
        `You are signed in as a ${user.role}. This dashboard is for contributors: sign out and sign in with a contributor account.`,
      ),
    );
    return;
  }
  stopDashboard = dashboard(user);
}

window.addEventListener('session-changed', render);
render();
