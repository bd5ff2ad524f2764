// @ts-check
// Capture previews (issue 14): what a buyer or a reviewer wants to see of a file before buying or approving it, drawn
// from what the preview job made: thumbnails and a clip of a video, renderings of a point cloud, a log's topics, the
// first rows of a table, plots of numeric channels over time and the track on a map. Never the probe's JSON.
import * as L from 'leaflet';
import { api, ApiError, session } from './api.js';
import { PALETTE, coverageMap } from './map.js';
import { dataTable, errorBox, formatDuration, h, mount, on, tableRow } from './ui.js';
/** @import { CapturePreview, PointCloudPreviewContent, PreviewSeries, RoboticsPreviewContent, TablePreviewContent, TrackPoint, VideoPreviewContent } from '../../types/api' */

/** How many frames (about ten seconds) a track's map waits for its node to be in the page before giving up. */
const MAP_WAIT_FRAMES = 600;

const SVG = 'http://www.w3.org/2000/svg';
/** Seconds between two looks at a preview still being made, and how many looks at most. */
const POLL_SECONDS = 3;
const POLL_TIMES = 40;

/**
 * An SVG element with attributes.
 * @param {string} tag
 * @param {Record<string, string | number>} [attributes]
 * @param {...(SVGElement | string)} children
 * @returns {SVGElement}
 */
function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  for (const child of children) node.append(child);
  return node;
}

/**
 * A preview file as a blob: URL the page made itself (the file route wants the same credentials as the preview, and
 * an <img> cannot send them).
 * @param {string} captureId
 * @param {string} name
 */
async function fileUrl(captureId, name) {
  return URL.createObjectURL(await (await fileResponse(captureId, name)).blob());
}

/**
 * A preview file, fetched with the caller's credentials.
 * @param {string} captureId
 * @param {string} name
 */
async function fileResponse(captureId, name) {
  const token = session.get()?.accessToken;
  const response = await fetch(`/v1/captures/${captureId}/preview/files/${encodeURIComponent(name)}`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  if (!response.ok) throw new ApiError(response.status, `preview file ${name}: ${response.status}`, null);
  return response;
}

/** @param {number} value */
function tick(value) {
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-3)) return value.toExponential(2);
  return String(Number(value.toPrecision(5)));
}

/**
 * One numeric channel over time as a line chart, with its range and time span written out.
 * @param {PreviewSeries} series
 * @param {'seconds' | 'row'} axis
 */
export function seriesPlot(series, axis) {
  const width = 400;
  const height = 130;
  const pad = { left: 58, right: 8, top: 8, bottom: 22 };
  const [t0, t1] = [Math.min(...series.t), Math.max(...series.t)];
  const [v0, v1] = [Math.min(...series.v), Math.max(...series.v)];
  const x = (/** @type {number} */ t) => pad.left + ((t - t0) / (t1 - t0 || 1)) * (width - pad.left - pad.right);
  const y = (/** @type {number} */ v) => height - pad.bottom - ((v - v0) / (v1 - v0 || 1)) * (height - pad.top - pad.bottom);
  const points = series.t.map((t, i) => `${x(t).toFixed(1)},${y(series.v[i]).toFixed(1)}`).join(' ');
  const span = axis === 'seconds' ? formatDuration(t1 - t0) : `rows ${t0}–${t1}`;
  const title = `${series.name}${series.unit ? ` (${series.unit})` : ''}`;
  return h(
    'figure',
    { className: 'plot' },
    h('figcaption', {}, title),
    svg(
      'svg',
      { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${title} over ${span}: from ${tick(v0)} to ${tick(v1)}` },
      svg('rect', { x: pad.left, y: pad.top, width: width - pad.left - pad.right, height: height - pad.top - pad.bottom, class: 'plot-area' }),
      svg('text', { x: pad.left - 6, y: pad.top + 10, 'text-anchor': 'end', class: 'plot-tick' }, tick(v1)),
      svg('text', { x: pad.left - 6, y: height - pad.bottom, 'text-anchor': 'end', class: 'plot-tick' }, tick(v0)),
      svg('text', { x: pad.left, y: height - 6, class: 'plot-tick' }, axis === 'seconds' ? '0 s' : `row ${t0}`),
      svg(
        'text',
        { x: width - pad.right, y: height - 6, 'text-anchor': 'end', class: 'plot-tick' },
        axis === 'seconds' ? `${tick(t1 - t0)} s` : `row ${t1}`,
      ),
      svg('polyline', { points, class: 'plot-line', fill: 'none' }),
    ),
  );
}

/**
 * @param {readonly PreviewSeries[]} series
 * @param {'seconds' | 'row'} axis
 */
function plots(series, axis) {
  if (!series.length) return null;
  return h(
    'div',
    { className: 'plots', 'aria-label': 'Numeric channels over time' },
    series.map((s) => seriesPlot(s, axis)),
  );
}

/**
 * The track on a map once the node is in the page (Leaflet measures its container); answers the node and, for a timed
 * track, a function that moves a marker to the position at a time. A timed track is drawn close up (with a scale),
 * and clicking on it calls `onPick` with the time of the nearest fix.
 * @param {readonly TrackPoint[] | null} track
 * @param {string} label
 * @param {(t: number) => void} [onPick]
 */
function trackMap(track, label, onPick) {
  if (!track || track.length === 0) return { node: null, follow: /** @param {number} _t */ (_t) => undefined };
  const timed = track.some((p) => p[2] !== null);
  // A timed track is drawn close up with its own dot for the time: the coverage map's dot at its middle would be a second one.
  const node = h('div', { className: `map small preview-map${timed ? ' timed' : ''}`, role: 'region', 'aria-label': `Track of ${label}` });
  const geojson =
    track.length === 1
      ? { type: 'Point', coordinates: [track[0][0], track[0][1]] }
      : { type: 'LineString', coordinates: track.map(([lon, lat]) => [lon, lat]) };
  /** @type {L.CircleMarker | null} */
  let marker = null;
  // Leaflet needs the node in the page to size the map: wait for it, frame by frame, but not for ever. A node that a
  // re-render dropped before it was shown is never connected, and a frame loop per such node would spin while the page
  // stays open.
  let framesLeft = MAP_WAIT_FRAMES;
  const draw = () => {
    if (!node.isConnected) {
      framesLeft -= 1;
      if (framesLeft > 0) requestAnimationFrame(draw);
      return;
    }
    const { map } = coverageMap(node, [{ id: label, label, geojson: /** @type {never} */ (geojson), color: PALETTE[1] }]);
    if (!timed) return;
    const line = L.polyline(
      track.map(([lon, lat]) => L.latLng(lat, lon)),
      { color: PALETTE[1], weight: 5, opacity: 0.9, className: 'preview-track' },
    ).addTo(map);
    // A drone's or a walk's track spans metres, not countries: close up, with a scale, so its shape shows.
    map.fitBounds(line.getBounds(), { padding: [24, 24], maxZoom: 19 });
    L.control.scale({ imperial: false }).addTo(map);
    marker = L.circleMarker([track[0][1], track[0][0]], {
      radius: 7,
      color: '#111',
      weight: 2,
      fillColor: '#fde047',
      fillOpacity: 1,
      className: 'track-marker',
      interactive: false,
    }).addTo(map);
    if (onPick)
      map.on('click', (event) => {
        const at = map.latLngToLayerPoint(event.latlng);
        let best = track[0];
        let distance = Infinity;
        for (const p of track) {
          const d = map.latLngToLayerPoint([p[1], p[0]]).distanceTo(at);
          if (p[2] !== null && d < distance) [best, distance] = [p, d];
        }
        if (distance <= 24 && best[2] !== null) onPick(best[2]);
      });
  };
  requestAnimationFrame(draw);
  /** @param {number} t seconds from the start */
  const follow = (t) => {
    if (!marker) return;
    let best = track[0];
    for (const p of track) if (p[2] !== null && p[2] <= t) best = p;
    marker.setLatLng([best[1], best[0]]);
  };
  return { node, follow };
}

/**
 * @param {string} captureId
 * @param {VideoPreviewContent} content
 * @param {string} label
 */
async function videoView(captureId, content, label) {
  const thumbs = await Promise.all(content.thumbnails.map(async (th) => ({ ...th, url: await fileUrl(captureId, th.file) })));
  /** @type {HTMLVideoElement | null} */
  let video = null;
  const note = h('p', { className: 'status track-note', role: 'status' });
  const clipEnd = content.clipSeconds ?? 0;
  const { node: map, follow } = trackMap(content.track, label, (t) => {
    if (!video) return;
    // The track covers the whole video; the clip its first clipSeconds.
    if (t > clipEnd + 0.05) {
      note.textContent = `That point is ${formatDuration(t)} into the video, after the end of the ${formatDuration(clipEnd)} preview clip.`;
      follow(t);
      return;
    }
    note.textContent = `Playing from ${formatDuration(t)}, where you clicked on the track.`;
    video.currentTime = t;
    follow(t);
  });
  if (content.clip) {
    video = h('video', {
      className: 'preview-clip',
      controls: true,
      muted: true,
      loop: true,
      playsinline: true,
      preload: 'metadata',
      src: await fileUrl(captureId, content.clip),
    });
    const player = video;
    const followPlayer = () => {
      follow(player.currentTime);
    };
    on(player, 'timeupdate', followPlayer);
    on(player, 'seeked', followPlayer);
  }
  const timed = content.track?.some((p) => p[2] !== null) ?? false;
  const facts = [
    content.width && content.height ? `${content.width}×${content.height}` : null,
    content.durationSeconds ? formatDuration(content.durationSeconds) : null,
    content.clipSeconds
      ? content.durationSeconds && content.clipSeconds >= content.durationSeconds - 0.05
        ? 'clip of the whole video, low resolution'
        : `clip of the first ${formatDuration(content.clipSeconds)}, low resolution`
      : null,
  ].filter(Boolean);
  return h(
    'div',
    { className: 'preview-video' },
    h('div', { className: map ? 'preview-pair' : '' }, video, map),
    h('p', { className: 'status' }, facts.join(' · ')),
    timed
      ? h(
          'p',
          { className: 'status' },
          `GPS track from ${content.trackSource ?? 'the video'}: the yellow dot follows the clip as it plays; click the track to play from there.`,
        )
      : null,
    timed ? note : null,
    h(
      'ol',
      { className: 'thumb-strip', 'aria-label': 'Frames across the whole video' },
      thumbs.map((th) =>
        h('li', {}, h('img', { src: th.url, alt: `Frame at ${formatDuration(th.t)}`, width: 160 }), h('span', {}, formatDuration(th.t))),
      ),
    ),
  );
}

/**
 * The sample's points in an interactive 3-D view (three.js, served by this app): drag to turn, scroll to zoom. The
 * viewer file holds float32 x, y, z (centred) then uint8 r, g, b per point.
 * @param {HTMLElement} container
 * @param {ArrayBuffer} bytes
 */
async function pointViewer(container, bytes) {
  const THREE = await import('three');
  const { OrbitControls } = await import('three/addons/controls/OrbitControls.js');
  const count = Math.floor(bytes.byteLength / 15);
  const view = new DataView(bytes);
  const positions = new Float32Array(count * 3);
  const colours = new Float32Array(count * 3);
  for (let i = 0; i < count; i += 1) {
    for (let a = 0; a < 3; a += 1) {
      positions[i * 3 + a] = view.getFloat32(i * 15 + a * 4, true);
      colours[i * 3 + a] = view.getUint8(i * 15 + 12 + a) / 255;
    }
  }
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3));
  geometry.setAttribute('color', new THREE.BufferAttribute(colours, 3));
  geometry.computeBoundingSphere();
  const radius = geometry.boundingSphere?.radius || 1;
  const width = container.clientWidth || 640;
  const height = 420;
  const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(window.devicePixelRatio);
  renderer.setSize(width, height);
  renderer.setClearColor(0x14181f);
  const scene = new THREE.Scene();
  scene.add(new THREE.Points(geometry, new THREE.PointsMaterial({ size: radius / 150, vertexColors: true })));
  const camera = new THREE.PerspectiveCamera(50, width / height, radius / 100, radius * 100);
  // Point clouds are z-up: seen from the south-west, above.
  camera.up.set(0, 0, 1);
  camera.position.set(-radius * 1.6, -radius * 1.6, radius * 1.2);
  const controls = new OrbitControls(camera, renderer.domElement);
  const draw = () => {
    renderer.render(scene, camera);
  };
  controls.addEventListener('change', draw);
  draw();
  renderer.domElement.setAttribute('aria-label', 'Interactive 3-D view of the points: drag to turn, scroll to zoom');
  renderer.domElement.setAttribute('role', 'img');
  mount(container, renderer.domElement, h('p', { className: 'status' }, `${count.toLocaleString('en-US')} points · drag to turn, scroll to zoom`));
}

/**
 * @param {string} captureId
 * @param {PointCloudPreviewContent} content
 */
async function pointCloudView(captureId, content) {
  const [top, perspective] = await Promise.all([fileUrl(captureId, content.topDown), fileUrl(captureId, content.perspective)]);
  const [minX, minY, minZ, maxX, maxY, maxZ] = content.bounds;
  const size = `${tick(maxX - minX)} × ${tick(maxY - minY)} × ${tick(maxZ - minZ)}`;
  const colours = { rgb: 'its own colours', intensity: 'intensity', height: 'height' }[content.colouredBy];
  const viewer = h('div', { className: 'point-viewer' });
  const open = h('button', { type: 'button', className: 'secondary' }, 'Open the 3-D viewer');
  on(open, 'click', () => {
    open.disabled = true;
    void (async () => {
      await pointViewer(viewer, await (await fileResponse(captureId, content.points)).arrayBuffer());
      open.remove();
    })().catch((/** @type {unknown} */ error) => {
      mount(viewer, errorBox(`The 3-D viewer could not start: ${error instanceof Error ? error.message : String(error)}`));
      open.disabled = false;
    });
  });
  return h(
    'div',
    { className: 'preview-pointcloud' },
    h(
      'div',
      { className: 'preview-pair' },
      h('figure', {}, h('img', { src: top, alt: 'The points seen from above', width: 640, height: 480 }), h('figcaption', {}, 'From above')),
      h(
        'figure',
        {},
        h('img', { src: perspective, alt: 'The points seen in perspective', width: 640, height: 480 }),
        h('figcaption', {}, 'In perspective'),
      ),
    ),
    h(
      'p',
      { className: 'status' },
      `${content.sampled.toLocaleString('en-US')} of ${content.pointsRead.toLocaleString('en-US')} points drawn, coloured by ${colours}; extent ${size} in the file's units.`,
    ),
    open,
    viewer,
  );
}

/**
 * @param {string} captureId
 * @param {RoboticsPreviewContent} content
 * @param {string} label
 */
async function roboticsView(captureId, content, label) {
  const columns = ['Topic', 'Type', 'Messages', 'Rate'];
  const frames = await Promise.all(content.frames.map(async (f) => ({ ...f, url: await fileUrl(captureId, f.file) })));
  return h(
    'div',
    { className: 'preview-robotics' },
    content.topics.length
      ? h(
          'div',
          { className: 'table-scroll' },
          dataTable(
            `Topics of ${label}`,
            columns,
            content.topics.map((t) =>
              tableRow(columns, [
                h('code', {}, t.topic),
                t.type ?? '—',
                t.messageCount.toLocaleString('en-US'),
                t.frequencyHz === null ? '—' : `${t.frequencyHz} Hz`,
              ]),
            ),
          ),
        )
      : h('p', { className: 'status' }, 'The log lists no topics.'),
    frames.length
      ? h(
          'div',
          { className: 'grid' },
          frames.map((f) => h('figure', {}, h('img', { src: f.url, alt: `First frame of ${f.topic}` }), h('figcaption', {}, f.topic))),
        )
      : null,
    plots(content.series, 'seconds'),
    trackMap(content.track, label).node,
  );
}

/**
 * @param {TablePreviewContent} content
 * @param {string} label
 */
function tableView(content, label) {
  return h(
    'div',
    { className: 'preview-table' },
    h(
      'p',
      { className: 'status' },
      `${content.source}: the first ${content.rows.length} of ${content.rowsRead.toLocaleString('en-US')} rows read${content.timeAxis === 'row' ? ' (no time column: plots are by row)' : ''}.`,
    ),
    h(
      'div',
      { className: 'table-scroll' },
      h(
        'table',
        { className: 'preview-rows' },
        h('caption', { className: 'sr-only' }, `First rows of ${label}`),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            content.columns.map((c) => h('th', { scope: 'col' }, c)),
          ),
        ),
        h(
          'tbody',
          {},
          content.rows.map((row) =>
            h(
              'tr',
              {},
              row.map((cell) => h('td', {}, cell)),
            ),
          ),
        ),
      ),
    ),
    plots(content.series, content.timeAxis),
    timedTrack(content.track, label),
  );
}

/**
 * A track on its own (no video to follow): untimed, the map; timed, the map with a time slider that moves the dot
 * along it (a click on the track moves the slider there).
 * @param {readonly TrackPoint[] | null} track
 * @param {string} label
 */
function timedTrack(track, label) {
  const times = (track ?? []).map((p) => p[2]).filter((t) => t !== null);
  if (!track || times.length < 2) return trackMap(track, label).node;
  const end = Math.max(...times);
  const slider = h('input', { type: 'range', min: '0', max: String(end), step: 'any', value: '0', className: 'track-time' });
  const said = h('output', {}, formatDuration(0));
  const { node, follow } = trackMap(track, label, (t) => {
    slider.value = String(t);
    move();
  });
  const move = () => {
    follow(Number(slider.value));
    said.textContent = `${formatDuration(Number(slider.value))} of ${formatDuration(end)}`;
  };
  on(slider, 'input', move);
  return h('div', { className: 'track-with-time' }, node, h('label', { className: 'track-slider' }, 'Time along the track ', slider, ' ', said));
}

/**
 * What a preview shows, by kind.
 * @param {CapturePreview} preview
 * @param {string} label
 */
async function previewBody(preview, label) {
  const content = preview.content;
  if (preview.status === 'failed') return h('p', { className: 'status' }, `No preview: ${preview.reason ?? 'making it failed'}.`);
  if (!content || content.kind === 'none')
    return h('p', { className: 'status' }, `No preview for this file${preview.reason ? `: ${preview.reason}` : ''}.`);
  switch (content.kind) {
    case 'video':
      return videoView(preview.captureId, content, label);
    case 'pointcloud':
      return pointCloudView(preview.captureId, content);
    case 'robotics':
      return roboticsView(preview.captureId, content, label);
    case 'table':
      return tableView(content, label);
  }
}

/**
 * A card with the preview of one capture: loads it, waits while it is being made, then draws it.
 * @param {string} captureId
 * @param {string} label the file's name or path, for headings and alt texts
 */
export function capturePreview(captureId, label) {
  const body = h('div', { className: 'preview-body' }, h('p', { className: 'status', role: 'status' }, 'Loading the preview…'));
  const card = h(
    'section',
    { className: 'card preview', 'data-capture': captureId, 'aria-label': `Preview of ${label}` },
    h('h3', { className: 'file-name' }, h('code', {}, label)),
    body,
  );
  const load = async (/** @type {number} */ attempt) => {
    /** @type {CapturePreview} */
    const preview = await api(`/v1/captures/${captureId}/preview`);
    if (preview.status === 'pending') {
      mount(body, h('p', { className: 'status', role: 'status' }, 'The preview is being made…'));
      if (attempt < POLL_TIMES) setTimeout(() => void load(attempt + 1).catch(show), POLL_SECONDS * 1000);
      return;
    }
    card.dataset.kind = preview.kind;
    mount(body, await previewBody(preview, label));
    card.dataset.ready = 'true';
  };
  const show = (/** @type {unknown} */ error) => {
    mount(body, errorBox(error instanceof ApiError && error.status === 404 ? 'No preview is available for this file.' : error));
  };
  load(0).catch(show);
  return card;
}
