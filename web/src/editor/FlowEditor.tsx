import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  addEdge,
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type NodeChange,
  type NodeTypes,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useContext, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { Link, useNavigate, useParams, UNSAFE_DataRouterContext } from 'react-router-dom';
import { ApiError, type ProblemItem } from '../api/client';
import { useNodeTypes, type NodeTypeDescriptor } from '../api/nodeTypes';
import { EmptyState, ErrorState, LoadingState } from '../components/States';
import { NodeCard, type NodeCardNode } from '../flow/NodeCard';
import { outputsOf, toCanvasEdges, toCanvasNodes, typesById } from '../flow/toCanvas';
import type { FlowNodeData } from '../flow/types';
import { NodePanel } from './panel/NodePanel';
import { RunDialog } from '../runs/RunDialog';
import { fetchFlow, saveFlow, setActive, type FlowDetails, type WebhookUrl } from './api';
import { copySelection, newEdgeId, pasteClip, type Clip } from './clipboard';
import { isConnectionAllowed } from './connections';
import { storedData, toDocument } from './document';
import { emptyHistory, record, redo, undo, type History } from './history';
import { layoutNodes } from './layout';
import { withNodeData } from './nodeData';
import { LeaveGuard } from './LeaveGuard';
import { edgesForPorts } from './portEdges';
import { createNode, paletteMime } from './palette';
import { Palette } from './Palette';
import { indexProblems, markEdges, markNodes } from './problems';
import { ProblemsPanel } from './ProblemsPanel';
import { VersionsDialog } from './VersionsDialog';
import { WebhookUrls } from './WebhookUrls';
import { FlowNotifyControl } from '../notifications/FlowNotifyControl';
import '../styles/editor.css';

/** NodeCard draws every node; defined once so React Flow never sees a new node-type map. */
export const nodeTypes: NodeTypes = { card: NodeCard };

/** Minimap colours: nodes with problems red, the rest in the accent colour. */
const minimapColour = (n: NodeCardNode) => (n.data.problems?.length ? '#f97066' : '#a5b4fc');

interface Snapshot {
  name: string;
  nodes: NodeCardNode[];
  edges: Edge[];
}

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return !!target.closest('input, textarea, select, [contenteditable="true"], .cm-editor, [role="dialog"]');
}

/** The editor page for /flows/:flowId: loads the flow and the node types, then the canvas. */
export default function FlowEditor() {
  const { flowId = '' } = useParams();
  const flow = useQuery({
    queryKey: ['flow', flowId],
    queryFn: () => fetchFlow(flowId),
    staleTime: Infinity,
    gcTime: 0,
    // A flow that is not there (deleted, another account's, a mistyped link) is not asked for again.
    retry: (count, error) => !(error instanceof ApiError && error.status === 404) && count < 1,
  });
  const types = useNodeTypes();
  if (flow.isError && flow.error instanceof ApiError && flow.error.status === 404) {
    return (
      <EmptyState title="This flow was not found.">
        <span>It may have been deleted, or it belongs to another account.</span>
        <Link to="/flows">See all flows</Link>
      </EmptyState>
    );
  }
  if (flow.isPending || types.isPending) return <LoadingState label="Loading the flow…" />;
  if (flow.isError) return <ErrorState error={flow.error} onRetry={() => flow.refetch()} />;
  if (types.isError) return <ErrorState error={types.error} onRetry={() => types.refetch()} />;
  return (
    <ReactFlowProvider>
      <EditorCanvas key={flowId} flow={flow.data} types={types.data} />
    </ReactFlowProvider>
  );
}

interface EditorCanvasProps {
  flow: FlowDetails;
  types: NodeTypeDescriptor[];
}

function EditorCanvas({ flow, types }: EditorCanvasProps) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const dataRouter = useContext(UNSAFE_DataRouterContext);
  const flowApi = useReactFlow<NodeCardNode, Edge>();
  const typeMap = useMemo(() => typesById(types), [types]);
  const wrapper = useRef<HTMLDivElement>(null);

  const [nodes, setNodes] = useState<NodeCardNode[]>(() => toCanvasNodes(flow.definition, typeMap));
  const [edges, setEdges] = useState<Edge[]>(() => toCanvasEdges(flow.definition));
  const [name, setName] = useState(flow.definition.name ?? flow.name);
  const [version, setVersion] = useState(flow.version);
  const [active, setActiveState] = useState(flow.active);
  const [webhooks, setWebhooks] = useState<WebhookUrl[]>(flow.webhooks);
  const [dirty, setDirty] = useState(false);
  const [problems, setProblems] = useState<ProblemItem[]>([]);
  const [message, setMessage] = useState<{ kind: 'error' | 'info'; text: string } | null>(null);
  const [busy, setBusy] = useState<'save' | 'activate' | null>(null);
  const [showRun, setShowRun] = useState(false);
  const [showVersions, setShowVersions] = useState(false);
  const [historyState, setHistoryState] = useState<History<Snapshot>>(emptyHistory);
  const [fitRequest, setFitRequest] = useState(0);

  // The latest values for callbacks that must stay stable (so that memoised nodes are not re-rendered).
  const latest = useRef({ nodes, edges, name, history: historyState });
  latest.current = { nodes, edges, name, history: historyState };
  const lastChange = useRef<{ key: string; at: number } | null>(null);
  const clipboard = useRef<Clip | null>(null);

  /** Remembers the document before a change, so that Ctrl+Z can bring it back; `key` merges a burst of typing. */
  const beginChange = useCallback((key?: string) => {
    const now = Date.now();
    const merge = key && lastChange.current?.key === key && now - lastChange.current.at < 1000;
    lastChange.current = key ? { key, at: now } : null;
    setDirty(true);
    if (merge) return;
    const { nodes: n, edges: e, name: nm } = latest.current;
    setHistoryState((h) => record(h, { nodes: n, edges: e, name: nm }));
  }, []);

  const restoreSnapshot = useCallback((s: Snapshot) => {
    setNodes(s.nodes);
    setEdges(s.edges);
    setName(s.name);
    setDirty(true);
    lastChange.current = null;
  }, []);

  const onUndo = useCallback(() => {
    const { nodes: n, edges: e, name: nm, history } = latest.current;
    const step = undo(history, { nodes: n, edges: e, name: nm });
    if (!step) return;
    setHistoryState(step.history);
    restoreSnapshot(step.state);
  }, [restoreSnapshot]);

  const onRedo = useCallback(() => {
    const { nodes: n, edges: e, name: nm, history } = latest.current;
    const step = redo(history, { nodes: n, edges: e, name: nm });
    if (!step) return;
    setHistoryState(step.history);
    restoreSnapshot(step.state);
  }, [restoreSnapshot]);

  const onNodesChange = useCallback((changes: NodeChange<NodeCardNode>[]) => {
    if (changes.some((c) => c.type === 'position' && c.dragging)) setDirty(true);
    setNodes((current) => applyNodeChanges(changes, current));
  }, []);

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    setEdges((current) => applyEdgeChanges(changes, current));
  }, []);

  const onBeforeDelete = useCallback(async () => {
    beginChange();
    return true;
  }, [beginChange]);

  const onNodeDragStart = useCallback(() => beginChange(), [beginChange]);

  const isValidConnection = useCallback((c: Connection | Edge) => isConnectionAllowed(c, latest.current.edges), []);

  const onConnect = useCallback(
    (c: Connection) => {
      if (!isConnectionAllowed(c, latest.current.edges)) return;
      beginChange();
      setEdges((current) => {
        const id = newEdgeId(c.source, c.sourceHandle, c.target, new Set(current.map((e) => e.id)));
        return addEdge({ ...c, id }, current);
      });
    },
    [beginChange],
  );

  const addNode = useCallback(
    (type: NodeTypeDescriptor, position: { x: number; y: number }) => {
      beginChange();
      setNodes((current) => {
        const node = createNode(type, position, new Set(current.map((n) => n.id)));
        return [...current.map((n) => (n.selected ? { ...n, selected: false } : n)), node];
      });
    },
    [beginChange],
  );

  const addAtCentre = useCallback(
    (type: NodeTypeDescriptor) => {
      const rect = wrapper.current?.getBoundingClientRect();
      const centre = rect ? { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 } : { x: 0, y: 0 };
      const position = flowApi.screenToFlowPosition(centre);
      addNode(type, { x: position.x - 90, y: position.y - 30 });
    },
    [addNode, flowApi],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      event.preventDefault();
      const typeId = event.dataTransfer.getData(paletteMime) || event.dataTransfer.getData('text/plain');
      const type = typeMap.get(typeId);
      if (!type) return;
      const position = flowApi.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      addNode(type, { x: position.x - 90, y: position.y - 30 });
    },
    [addNode, flowApi, typeMap],
  );

  const onCopy = useCallback(() => {
    const clip = copySelection(latest.current.nodes, latest.current.edges);
    if (clip) clipboard.current = clip;
  }, []);

  const onPaste = useCallback(() => {
    const clip = clipboard.current;
    if (!clip) return;
    beginChange();
    const { nodes: n, edges: e } = latest.current;
    const pasted = pasteClip(clip, n, e);
    setNodes([...n.map((x) => (x.selected ? { ...x, selected: false } : x)), ...pasted.nodes]);
    setEdges([...e.map((x) => (x.selected ? { ...x, selected: false } : x)), ...pasted.edges]);
    // The next paste lands further along, not on top of this one.
    clipboard.current = { nodes: pasted.nodes, edges: pasted.edges };
  }, [beginChange]);

  const onLayout = useCallback(() => {
    beginChange();
    setNodes(layoutNodes(latest.current.nodes, latest.current.edges));
    setFitRequest((n) => n + 1);
  }, [beginChange]);

  // Fits the view once the laid-out positions have reached React Flow (its store takes them in an effect of its own).
  useEffect(() => {
    if (fitRequest > 0) void flowApi.fitView({ padding: 0.2, maxZoom: 1, duration: 200 });
  }, [fitRequest, flowApi]);

  const selectNode = useCallback(
    (nodeId: string) => {
      setNodes((current) => current.map((n) => (!!n.selected === (n.id === nodeId) ? n : { ...n, selected: n.id === nodeId })));
      flowApi.fitView({ nodes: [{ id: nodeId }], maxZoom: 1.2, duration: 200 });
    },
    [flowApi],
  );

  const problemIndex = useMemo(() => indexProblems(problems), [problems]);
  useEffect(() => {
    setNodes((current) => markNodes(current, problemIndex.byNode));
    setEdges((current) => markEdges(current, problemIndex.byEdge));
  }, [problemIndex]);

  const selected = useMemo(() => {
    const list = nodes.filter((n) => n.selected);
    return list.length === 1 ? list[0] : null;
  }, [nodes]);
  const selectedData = useMemo(() => (selected ? storedData(selected.data) : null), [selected]);

  const onPanelChange = useCallback(
    (data: FlowNodeData) => {
      const id = selected?.id;
      if (!id) return;
      beginChange(`node:${id}`);
      setNodes((current) => withNodeData(current, id, data, typeMap.get(current.find((n) => n.id === id)?.data.typeId ?? '')));
      // A port the change took away (onError back to fail, a switch case removed) takes its edges with it, in the same
      // undoable change: an edge from a missing port is not drawn, yet it would be saved.
      const node = latest.current.nodes.find((n) => n.id === id);
      if (!node) return;
      const after = outputsOf({ id, type: node.data.typeId, position: node.position, data }, typeMap.get(node.data.typeId));
      const { edges: next, dropped } = edgesForPorts(latest.current.edges, id, node.data.outputs ?? ['main'], after);
      if (next === latest.current.edges) return;
      setEdges(next);
      if (dropped.length > 0) {
        const ports = dropped.map((p) => `“${p}”`).join(', ');
        setMessage({ kind: 'info', text: `Removed the connections from port ${ports} of ${id}, which it no longer has. Undo brings them back.` });
      }
    },
    [beginChange, selected?.id, typeMap],
  );

  const save = useCallback(async (): Promise<boolean> => {
    setBusy('save');
    setMessage(null);
    try {
      const { nodes: n, edges: e, name: nm } = latest.current;
      const saved = await saveFlow(flow.id, toDocument(nm.trim() || 'Untitled flow', n, e, flowApi.getViewport()));
      setVersion(saved.version);
      setDirty(false);
      setProblems([]);
      setMessage({ kind: 'info', text: `Saved as version ${saved.version}.` });
      void queryClient.invalidateQueries({ queryKey: ['flow-versions', flow.id] });
      void queryClient.invalidateQueries({ queryKey: ['flows'] });
      const details = await fetchFlow(flow.id);
      setWebhooks(details.webhooks);
      setActiveState(details.active);
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && error.problems.length > 0) {
        setProblems(error.problems);
      } else {
        setMessage({ kind: 'error', text: error instanceof Error ? error.message : String(error) });
      }
      return false;
    } finally {
      setBusy(null);
    }
  }, [flow.id, flowApi, queryClient]);

  const onRun = useCallback(async () => {
    if (dirty && !(await save())) return;
    setShowRun(true);
  }, [dirty, save]);

  const onToggleActive = useCallback(async () => {
    if (!active && dirty && !(await save())) return;
    setBusy('activate');
    setMessage(null);
    try {
      const state = await setActive(flow.id, !active);
      setActiveState(state.active);
      setWebhooks(state.webhooks);
      setMessage({ kind: 'info', text: state.active ? 'The flow is active: its triggers now start runs.' : 'The flow is inactive: its triggers no longer start runs.' });
    } catch (error) {
      if (error instanceof ApiError && error.problems.length > 0) setProblems(error.problems);
      else setMessage({ kind: 'error', text: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(null);
    }
  }, [active, dirty, flow.id, save]);

  const onRestore = useCallback(
    async (v: number) => {
      try {
        const old = await fetchFlow(flow.id, v);
        beginChange();
        setNodes(toCanvasNodes(old.definition, typeMap));
        setEdges(toCanvasEdges(old.definition));
        setName(old.definition.name ?? old.name);
        setProblems([]);
        setShowVersions(false);
        setMessage({ kind: 'info', text: `Version ${v} is on the canvas. Save to make it the newest version.` });
      } catch (error) {
        setMessage({ kind: 'error', text: error instanceof Error ? error.message : String(error) });
      }
    },
    [beginChange, flow.id, typeMap],
  );

  // Keyboard: undo/redo, copy/paste and save, unless the user is typing in a field.
  const save_ = useRef(save);
  save_.current = save;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || isEditable(event.target)) return;
      const key = event.key.toLowerCase();
      if (key === 'z' && !event.shiftKey) onUndo();
      else if ((key === 'z' && event.shiftKey) || key === 'y') onRedo();
      else if (key === 'c') onCopy();
      else if (key === 'v') onPaste();
      else if (key === 's') void save_.current();
      else return;
      event.preventDefault();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [onCopy, onPaste, onRedo, onUndo]);

  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);

  const hasViewport = !!flow.definition.viewport;
  return (
    <div className="editor">
      <header className="editor-toolbar">
        <label className="editor-name">
          <span className="visually-hidden">Flow name</span>
          <input
            value={name}
            maxLength={200}
            onChange={(e) => {
              beginChange('name');
              setName(e.target.value);
            }}
          />
        </label>
        <span className="editor-version muted">v{version}</span>
        {dirty && (
          <span className="editor-dirty" role="status" title="Unsaved changes">
            <span className="editor-dirty-dot" aria-hidden="true" /> Unsaved changes
          </span>
        )}
        <div className="editor-toolbar-actions">
          <button type="button" onClick={onUndo} disabled={historyState.past.length === 0} title="Undo (Ctrl+Z)">
            Undo
          </button>
          <button type="button" onClick={onRedo} disabled={historyState.future.length === 0} title="Redo (Ctrl+Shift+Z)">
            Redo
          </button>
          <button type="button" onClick={onLayout} disabled={nodes.length === 0} title="Arrange the nodes left to right">
            Auto-layout
          </button>
          <button type="button" onClick={() => setShowVersions(true)}>
            Versions
          </button>
          <Link className="button-link" to={`/runs?flowId=${flow.id}`}>
            Run history
          </Link>
          <button type="button" onClick={onToggleActive} disabled={busy !== null} aria-pressed={active}>
            {active ? 'Deactivate' : 'Activate'}
          </button>
          <FlowNotifyControl flowId={flow.id} />
          <button type="button" onClick={onRun} disabled={busy !== null}>
            Run
          </button>
          <button type="button" className="primary" onClick={() => void save()} disabled={busy !== null} title="Save a new version (Ctrl+S)">
            {busy === 'save' ? 'Saving…' : 'Save'}
          </button>
        </div>
      </header>
      {message && (
        <div className={`editor-message ${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'}>
          {message.text}
          <button type="button" className="link" onClick={() => setMessage(null)} aria-label="Dismiss the message">
            ×
          </button>
        </div>
      )}
      <WebhookUrls webhooks={webhooks} active={active} />
      <div className="editor-body">
        <Palette types={types} onAdd={addAtCentre} />
        <div className="editor-canvas" ref={wrapper}>
          <ReactFlow<NodeCardNode, Edge>
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            isValidConnection={isValidConnection}
            onBeforeDelete={onBeforeDelete}
            onNodeDragStart={onNodeDragStart}
            onSelectionDragStart={onNodeDragStart}
            onDrop={onDrop}
            onDragOver={onDragOver}
            deleteKeyCode={['Delete', 'Backspace']}
            selectionKeyCode="Shift"
            multiSelectionKeyCode={['Control', 'Meta']}
            defaultViewport={flow.definition.viewport}
            fitView={!hasViewport}
            fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
            minZoom={0.1}
            maxZoom={2}
            proOptions={{ hideAttribution: true }}
          >
            <Background gap={16} />
            <Controls />
            <MiniMap pannable zoomable ariaLabel="Overview of the flow" nodeColor={minimapColour} nodeBorderRadius={4} />
            <Panel position="bottom-center" className="editor-hint">
              Shift-drag to select several nodes · Delete removes · Ctrl+C / Ctrl+V copy · Ctrl+Z undo
            </Panel>
            {nodes.length === 0 && (
              <Panel position="top-center" className="editor-empty">
                This flow is empty: drag a trigger from the list on the left to start.
              </Panel>
            )}
          </ReactFlow>
          {problems.length > 0 && <ProblemsPanel problems={problems} onSelectNode={selectNode} onDismiss={() => setProblems([])} />}
        </div>
        {selected && selectedData && (
          <div className="editor-side">
            <NodePanel
              key={selected.id}
              nodeId={selected.id}
              nodeType={typeMap.get(selected.data.typeId)}
              data={selectedData}
              onChange={onPanelChange}
              flowId={flow.id}
              problems={selected.data.problems}
            />
          </div>
        )}
      </div>
      {showRun && (
        <RunDialog
          flowId={flow.id}
          onClose={() => setShowRun(false)}
          onStarted={(runId) => navigate(`/flows/${flow.id}/runs/${runId}`)}
        />
      )}
      {showVersions && (
        <VersionsDialog flowId={flow.id} currentVersion={version} onRestore={onRestore} onClose={() => setShowVersions(false)} />
      )}
      {dataRouter && <LeaveGuard when={dirty} />}
    </div>
  );
}
