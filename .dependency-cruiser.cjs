// The project's dependency rules (README, "Development"), checked by `npm run lint:deps` inside `npm test`:
// a broken rule fails the build. Dependencies point inward: domain ← ports ← service ← surfaces (chat/*,
// portal) and adapters, which never meet; only the composition root (src/main.ts, src/core.ts) knows
// every adapter. Type-only imports count (tsPreCompilationDeps): a type is a dependency too.
// test/unit/dependency-rules.spec.ts runs these rules on small fixtures to show that each one bites.

/** Node's own modules (node:crypto…) are allowed everywhere; npm packages only where a rule says so. */
const BUILTIN = ['core'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'No import circles: a circle means two files are one module or a piece wants its own leaf. Counted over ' +
        'imports that run: a type-only import is erased at build and cannot change the load order (the kernel ' +
        'names the ticket desk\'s type in what every use case receives).',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'domain-imports-nothing',
      severity: 'error',
      comment: 'src/domain is pure types and rules: it imports only domain and Node built-ins (no packages).',
      from: { path: '^src/domain/' },
      to: { pathNot: '^src/domain/', dependencyTypesNot: BUILTIN },
    },
    {
      name: 'ports-import-domain',
      severity: 'error',
      comment: 'src/ports is interfaces over domain types: it imports only domain and ports.',
      from: { path: '^src/ports/' },
      to: { pathNot: '^src/(domain|ports)/', dependencyTypesNot: BUILTIN },
    },
    {
      name: 'service-imports-domain-and-ports',
      severity: 'error',
      comment: 'src/service holds the rules and reaches the world only through ports: it imports domain, ports and service.',
      from: { path: '^src/service/' },
      to: { pathNot: '^src/(domain|ports|service)/', dependencyTypesNot: BUILTIN },
    },
    {
      name: 'capabilities-meet-at-their-faces',
      severity: 'error',
      comment:
        'src/service is grouped by capability (kernel, lookup, account-actions, secrets, approvals, portal-data, ' +
        'tickets, self-service); a capability uses another only through its face (its index.ts), and everything ' +
        'outside a capability (the service on top, surfaces, the root) does the same: the rest is its own business.',
      from: { path: '^src/service/([^/]+)/' },
      to: { path: '^src/service/[^/]+/', pathNot: ['^src/service/[^/]+/index\\.ts$', '^src/service/$1/'] },
    },
    {
      name: 'the-rest-meets-capabilities-at-their-faces',
      severity: 'error',
      comment: 'Outside src/service/<capability>/ (helpdesk-service.ts, the surfaces, the root): only a capability\'s index.ts.',
      from: { path: '^src/', pathNot: '^src/service/[^/]+/' },
      to: { path: '^src/service/[^/]+/', pathNot: '^src/service/[^/]+/index\\.ts$' },
    },
    {
      name: 'kernel-is-below-every-capability',
      severity: 'error',
      comment: 'The kernel (pipeline, routes, actor, audit, shared rules) runs no capability; it may name a type of one.',
      from: { path: '^src/service/kernel/' },
      to: { path: '^src/service/', pathNot: '^src/service/kernel/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'chat-and-adapters-apart',
      severity: 'error',
      comment: 'src/chat/* and src/adapters/* never import each other.',
      from: { path: '^src/(chat|adapters)/' },
      to: { path: '^src/(chat|adapters)/', pathNot: '^src/$1/' },
    },
    {
      name: 'adapters-import-ports-and-domain',
      severity: 'error',
      comment:
        'An adapter implements ports with domain types and its own files; it reads no config (the root hands it ' +
        'its options), calls no service or surface, and knows no other adapter.',
      from: { path: '^src/adapters/([^/]+)/' },
      to: { path: '^src/', pathNot: '^src/(domain|ports|adapters/$1)/' },
    },
    {
      name: 'only-the-root-knows-adapters',
      severity: 'error',
      comment: 'Only the composition root (src/main.ts, src/core.ts) imports adapters.',
      from: { path: '^src/', pathNot: ['^src/(main|core)\\.ts$', '^src/adapters/'] },
      to: { path: '^src/adapters/' },
    },
    {
      name: 'the-root-is-on-top',
      severity: 'error',
      comment: 'Nothing under src imports the composition root but src/main.ts.',
      from: { path: '^src/', pathNot: '^src/main\\.ts$' },
      to: { path: '^src/(main|core)\\.ts$' },
    },
    {
      name: 'config-imports-domain',
      severity: 'error',
      comment: 'src/config is pure (env in, Config or problems out): it imports domain, config and packages only.',
      from: { path: '^src/config/' },
      to: { path: '^src/', pathNot: '^src/(domain|config)/' },
    },
    {
      name: 'http-is-routes-only',
      severity: 'error',
      comment:
        'src/http is the server and its request helpers: it imports domain, ports and http; surfaces mount ' +
        'their routes on it, never the other way.',
      from: { path: '^src/http/' },
      to: { path: '^src/', pathNot: '^src/(domain|ports|http)/' },
    },
    {
      name: 'portal-is-a-surface',
      severity: 'error',
      comment:
        'src/portal is a surface like chat/*: service, ports, domain, http and its config; never an adapter, ' +
        'and the portal and the chat surfaces never import each other.',
      from: { path: '^src/(portal|chat)/' },
      to: { path: '^src/(portal|chat)/', pathNot: '^src/$1/' },
    },
    {
      name: 'chat-core-and-cards-serve-every-surface',
      severity: 'error',
      comment: 'chat/core and chat/cards are shared by the surfaces: they never import one (teams, slack, local).',
      from: { path: '^src/chat/(core|cards)/' },
      to: { path: '^src/chat/(teams|slack|local)/' },
    },
    {
      name: 'no-dev-dependencies-in-src',
      severity: 'error',
      comment: 'The production image prunes devDependencies (infra/Dockerfile): src imports only dependencies.',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every import resolves; an import the tool cannot follow is one no rule above would see.',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['types', 'require', 'node', 'default'],
      mainFields: ['types', 'typings', 'main'],
      extensions: ['.ts', '.d.ts', '.js', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
