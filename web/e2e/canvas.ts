import type { Locator, Page } from 'playwright-core';

// The editor's canvas as a user works it: node types dragged from the palette, handles joined with the mouse.

/** A node of the canvas (editor or run view) by its id. */
export const canvasNode = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);

/** A node's card, which carries its status (`status-succeeded`) and problem (`has-problems`) classes. */
export const nodeCard = (page: Page, id: string) => canvasNode(page, id).locator('.node-card');

/** An input (target) or output (source) port of a node. */
export const canvasHandle = (page: Page, id: string, kind: 'source' | 'target', port = 'main') =>
  canvasNode(page, id).locator(`.react-flow__handle.${kind}[data-handleid="${port}"]`);

export const edgeCount = (page: Page) => page.locator('.react-flow__edge').count();
export const nodeCount = (page: Page) => page.locator('.react-flow__node').count();

async function centre(selector: Locator): Promise<{ x: number; y: number }> {
  const box = await selector.boundingBox();
  if (!box) throw new Error(`${selector} is not on the page`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/**
 * Drags a palette item onto the canvas at (x, y) from the canvas' top-left corner with the mouse: Chromium runs a real
 * HTML5 drag, so the canvas' own drop handler places the node.
 */
export async function dragFromPalette(page: Page, typeId: string, x: number, y: number): Promise<void> {
  const item = page.locator(`.editor-palette-item[data-type-id="${typeId}"]`);
  await item.scrollIntoViewIfNeeded();
  await item.dragTo(page.locator('.react-flow__pane'), { targetPosition: { x, y } });
}

/** Presses on an output handle, moves to an input handle and releases: the way a user draws an edge. */
export async function connect(page: Page, from: string, port: string, to: string): Promise<void> {
  const source = await centre(canvasHandle(page, from, 'source', port));
  const target = await centre(canvasHandle(page, to, 'target'));
  await page.mouse.move(source.x, source.y);
  await page.mouse.down();
  await page.mouse.move(source.x + 40, source.y + 10, { steps: 5 });
  await page.mouse.move(target.x, target.y, { steps: 10 });
  await page.mouse.up();
}

/** Replaces the text of a CodeMirror editor: a click into it, select all, then the text as typed input. */
export async function replaceEditorText(page: Page, editor: Locator, text: string): Promise<void> {
  await editor.click();
  await page.keyboard.press('Control+A');
  // insertText, not type: typed brackets would be closed for us by the editor.
  await page.keyboard.insertText(text);
}
