import { Decoration, MatchDecorator, ViewPlugin, type DecorationSet, type EditorView, type ViewUpdate } from '@codemirror/view';

const templateMark = Decoration.mark({ class: 'cm-ff-template' });

const templates = new MatchDecorator({ regexp: /\{\{[^]*?(\}\}|$)/g, decoration: () => templateMark });

/** Marks each `{{ … }}` so expressions stand out from the text around them. */
export const templateHighlight = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = templates.createDeco(view);
    }
    update(update: ViewUpdate) {
      this.decorations = templates.updateDeco(update, this.decorations);
    }
  },
  { decorations: (v) => v.decorations },
);
