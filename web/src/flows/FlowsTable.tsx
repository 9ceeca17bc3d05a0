import type { FlowListItem } from './api';
import { FlowRow } from './FlowRow';
import '../styles/flows.css';

/** The flows as a table: name, triggers, active switch, last run and actions. */
export function FlowsTable({ flows, now }: { flows: FlowListItem[]; now?: number }) {
  return (
    <table className="ff-table">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Triggers</th>
          <th scope="col">Active</th>
          <th scope="col">Last run</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {flows.map((flow) => (
          <FlowRow key={flow.id} flow={flow} now={now} />
        ))}
      </tbody>
    </table>
  );
}
