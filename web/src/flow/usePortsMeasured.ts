import { useUpdateNodeInternals } from '@xyflow/react';
import { useEffect, useRef } from 'react';

/**
 * React Flow measures a node's ports when the node is first drawn or changes size. A port added or removed later
 * (onError set to continue, a switch case added) leaves the card's size alone, so it is measured here: without that
 * no edge can be drawn from the new port.
 */
export function usePortsMeasured(id: string, inputs: readonly string[], outputs: readonly string[]): void {
  const updateNodeInternals = useUpdateNodeInternals();
  const ports = `${inputs.join('\n')}\t${outputs.join('\n')}`;
  const measured = useRef(ports);
  useEffect(() => {
    if (measured.current === ports) return;
    measured.current = ports;
    updateNodeInternals(id);
  }, [id, ports, updateNodeInternals]);
}
