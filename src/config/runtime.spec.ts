// package.json pins Node.js 24 LTS as a devDependency (the npm package `node`), and npm scripts put its binary first on
// PATH: the suite, the service and the demo run on it whatever the machine's own node is.
describe('runtime', () => {
  it('is the Node.js 24 LTS that package.json pins', () => {
    expect(process.versions.node.split('.')[0]).toBe('24');
    expect(process.release.lts).toBeTruthy();
  });
});
