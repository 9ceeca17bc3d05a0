// jsdom has no layout: React Flow needs ResizeObserver and DOMMatrixReadOnly to mount in component tests.
export function stubLayoutForReactFlow(): void {
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
  globalThis.DOMMatrixReadOnly ??= class {
    m22 = 1;
    constructor() {}
  } as unknown as typeof DOMMatrixReadOnly;
}
