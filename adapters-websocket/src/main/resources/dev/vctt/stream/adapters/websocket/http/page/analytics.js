'use strict';
// The analytics page: one uPlot chart per question, each fed by /api/stats/series (a figure over time) or
// /api/stats/distribution (a histogram: the share of streams per bin). No build step.
(() => {
  const $ = (selector) => document.querySelector(selector);
  // by: model | role | key | kind; bucket: null = the window's own bucket; histogram: a distribution
  const CHARTS = [
    { id: 'ttft-p50', title: 'Time to first token p50 (ms) by model', metric: 'ttft_p50', by: 'model' },
    { id: 'ttft-p95', title: 'Time to first token p95 (ms) by model', metric: 'ttft_p95', by: 'model' },
    { id: 'tokens-per-second', title: 'Tokens per second (median of streams) by model', metric: 'tokens_per_second', by: 'model' },
    { id: 'gap-p99', title: 'Chunk gap p99 (ms, p99 of streams) by model', metric: 'gap_p99', by: 'model' },
    { id: 'tokens-per-second-dist', title: 'Tokens per second: % of streams per bin, by model', metric: 'tokens_per_second', by: 'model', histogram: true },
    { id: 'gap-p99-dist', title: 'Chunk gap p99 (ms): % of streams per bin, by model', metric: 'gap_p99', by: 'model', histogram: true },
    { id: 'spend-role', title: 'Spend (USD) by role', metric: 'spend', by: 'role' },
    { id: 'spend-model', title: 'Spend (USD) by model', metric: 'spend', by: 'model' },
    { id: 'spend-day', title: 'Spend (USD) per day by model', metric: 'spend', by: 'model', bucket: '1d', days: 30 },
    { id: 'fallbacks', title: 'Fallbacks by model that answered', metric: 'fallbacks', by: 'model' },
    { id: 'fallback-kinds', title: 'Fallbacks by kind (the failure each fallback recovered from)', metric: 'fallbacks', by: 'kind' },
    { id: 'errors', title: 'Errors by kind', metric: 'errors', by: 'kind', hideGroup: 'none' },
    { id: 'waste', title: 'Waste: tokens billed after the client left or cancelled', metric: 'waste_tokens', by: 'model' },
    { id: 'budget-key', title: 'Budget use per key (% of its daily budget, per day)', metric: 'budget_use', by: 'key', bucket: '1d', days: 30 },
    { id: 'sessions', title: 'Sessions by role', metric: 'sessions', by: 'role' },
    { id: 'verdicts-role', title: 'Band Jam verdict score (trust metric, 0–1) by role', metric: 'verdict_score', by: 'role' },
    { id: 'verdicts-model', title: 'Band Jam verdict score (trust metric, 0–1) by model', metric: 'verdict_score', by: 'model' },
  ];
  const COLOURS = ['#2f6fdf', '#e0703a', '#2ca36b', '#b2469e', '#c9a227', '#4fb3c8', '#7d5cd6', '#d04848'];
  const plots = new Map();
  let keyRequired = false;
  let timer = null;

  function showError(message) {
    const box = $('#page-error');
    box.textContent = message;
    box.hidden = !message;
  }

  function headers() {
    const key = $('#api-key').value.trim();
    return key ? { Authorization: 'Bearer ' + key } : {};
  }

  function windowChoice() {
    const [seconds, bucket] = $('#window').value.split(',');
    return { seconds: Number(seconds), bucket };
  }

  async function series(chart) {
    const choice = windowChoice();
    const bucket = chart.bucket || choice.bucket;
    const seconds = chart.days ? Math.max(choice.seconds, chart.days * 86400) : choice.seconds;
    const to = new Date();
    const from = new Date(to.getTime() - seconds * 1000);
    const query = new URLSearchParams({ metric: chart.metric, by: chart.by, from: from.toISOString(), to: to.toISOString() });
    chart.range = [from.getTime() / 1000, to.getTime() / 1000];
    if (!chart.histogram) query.set('bucket', bucket);
    const path = chart.histogram ? '/api/stats/distribution?' : '/api/stats/series?';
    const response = await fetch(path + query, { headers: headers(), cache: 'no-store' });
    const body = await response.json();
    if (!response.ok) {
      throw new Error(`${chart.metric}: ${body.error || response.status}`);
    }
    if (chart.histogram) {
      chart.bins = binLabels(body.bounds);
      // each bin as a share of the group's streams, so groups of different sizes compare
      return body.lines.map((line) => ({ group: line.group,
        points: line.counts.map((count, bin) => [bin, (100 * count) / line.sessions]) }));
    }
    return body.lines.filter((line) => line.group !== chart.hideGroup);
  }

  // bin i holds [bounds[i-1], bounds[i]); a bin is labelled by where it starts: '<2', '2', '5', …, '≥200'
  function binLabels(bounds) {
    const short = (bound) => (bound >= 1000 ? `${bound / 1000}k` : String(bound));
    return [`<${short(bounds[0])}`, ...bounds.slice(0, -1).map(short), `≥${short(bounds[bounds.length - 1])}`];
  }

  // uPlot wants one x array and one aligned y array per line; empty buckets are gaps (null)
  function aligned(lines) {
    const xs = [...new Set(lines.flatMap((line) => line.points.map((p) => p[0])))].sort((a, b) => a - b);
    const index = new Map(xs.map((x, i) => [x, i]));
    const ys = lines.map((line) => {
      const y = new Array(xs.length).fill(null);
      line.points.forEach(([x, value]) => { y[index.get(x)] = Number(value); });
      return y;
    });
    return [xs, ...ys];
  }

  // small dollar amounts keep their significant digits; big counts stay whole
  function number(value) {
    if (value === 0) return '0';
    const magnitude = Math.abs(value);
    if (magnitude >= 1000) return Math.round(value).toLocaleString('en');
    if (magnitude >= 1) return String(Number(value.toFixed(1)));
    return String(Number(value.toPrecision(2)));
  }

  function frame(chart) {
    const section = document.createElement('section');
    section.className = 'chart';
    section.id = 'chart-' + chart.id;
    section.dataset.points = '0';
    const title = document.createElement('h2');
    title.textContent = chart.title;
    const body = document.createElement('div');
    body.className = 'plot';
    section.append(title, body);
    $('#charts').append(section);
    return section;
  }

  function draw(chart, section, lines) {
    const body = section.querySelector('.plot');
    const points = lines.reduce((n, line) => n + line.points.filter(([, value]) => !chart.histogram || value > 0).length, 0);
    section.dataset.points = String(points);
    const groups = lines.map((line) => line.group).join('\u0000');
    const existing = plots.get(chart.id);
    if (points === 0) {
      existing?.plot.destroy();
      plots.delete(chart.id);
      body.innerHTML = '<p class="empty">No sessions in this window.</p>';
      return;
    }
    const data = aligned(lines);
    if (existing && existing.groups === groups) {
      existing.plot.setData(data);
      return;
    }
    existing?.plot.destroy();
    body.textContent = '';
    const options = {
      width: Math.max(360, body.clientWidth || section.clientWidth - 16),
      height: 200,
      series: [{}, ...lines.map((line, i) => ({
        label: line.group, stroke: COLOURS[i % COLOURS.length], width: 2, spanGaps: true,
        points: { show: true, size: 4 }, value: (u, v) => (v == null ? '–' : number(v)),
      }))],
      axes: [{}, { size: 64, values: (u, values) => values.map(number) }],
      legend: { live: false },
    };
    if (!chart.histogram) {
      // the whole window, however few buckets have sessions; from the data, not uPlot's proposal (for a
      // lone point it proposes 86 400 000 s, which spread one bucket over years)
      options.scales = { x: { range: (u) => {
        const xs = u.data[0];
        return [Math.min(xs[0] ?? chart.range[0], chart.range[0]), Math.max(xs[xs.length - 1] ?? chart.range[1], chart.range[1])];
      } } };
    } else {
      // a frequency polygon over the bins (x is the bin's index, labelled with its bounds)
      options.scales = { x: { time: false, range: [-0.5, chart.bins.length - 0.5] } };
      options.axes[0] = { splits: () => chart.bins.map((label, i) => i), size: 36,
        values: (u, splits) => splits.map((i) => chart.bins[i]) };
      options.series.forEach((series, i) => {
        if (i > 0) series.fill = COLOURS[(i - 1) % COLOURS.length] + '22';
      });
    }
    plots.set(chart.id, { groups, plot: new uPlot(options, data, body) });
  }

  async function refresh() {
    if (keyRequired && !$('#api-key').value.trim()) {
      showError('This server asks for an API key (VCTT_AUTH=keys): enter yours to see its figures.');
      return;
    }
    try {
      const all = await Promise.all(CHARTS.map((chart) => series(chart)));
      CHARTS.forEach((chart, i) => draw(chart, $('#chart-' + chart.id), all[i]));
      showError('');
      $('#updated').textContent = 'updated ' + new Date().toLocaleTimeString();
      document.body.dataset.loaded = 'true';
    } catch (e) {
      showError(e.message);
    }
  }

  function schedule() {
    clearInterval(timer);
    timer = $('#live').checked ? setInterval(refresh, 5000) : null;
  }

  CHARTS.forEach(frame);
  // ?window=3600,5m picks a window of the list (a link or a screenshot can name it)
  const wanted = new URLSearchParams(window.location.search).get('window');
  if (wanted && [...$('#window').options].some((option) => option.value === wanted)) {
    $('#window').value = wanted;
  }
  $('#window').addEventListener('change', refresh);
  $('#live').addEventListener('change', schedule);
  $('#api-key').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      refresh();
    }
  });
  fetch('/page-config.json', { cache: 'no-store' })
    .then((response) => (response.ok ? response.json() : null))
    .then((config) => {
      keyRequired = Boolean(config && config.keyRequired);
      $('#api-key').hidden = !keyRequired;
      refresh();
      schedule();
    })
    .catch((e) => showError(e.message + ' — is the server running?'));
})();
