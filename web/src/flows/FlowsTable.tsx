import { DataTable } from '../components/DataTable';
import type { FlowListItem } from './api';
import { FlowRow } from './FlowRow';
import '../styles/flows.css';

const columns = ['Name', 'Triggers', 'Active', 'Last run'];

/** The flows as a table: name, triggers, active switch, last run and actions. */
export function FlowsTable({ flows, now }: { flows: FlowListItem[]; now?: number }) {
  return (
    <DataTable columns={columns}>
      {flows.map((flow) => (
        <FlowRow key={flow.id} flow={flow} now={now} />
      ))}
    </DataTable>
  );
}
