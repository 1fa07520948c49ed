// The physical limit for the cockpit's start: a bare Ink hello world, whole process, on the same pseudo-terminal, with
// React's production build as the cockpit uses it (chosen when React first loads, hence the imports after setting it).
process.env.NODE_ENV ??= 'production';
const { createElement } = await import('react');
const { render, Text } = await import('ink');

render(createElement(Text, null, 'hello world'));
// Stay up like the cockpit does, until the benchmark stops it.
setInterval(() => {}, 1 << 30);
