import type { ReactNode } from 'react';

export interface DataTableProps {
  /** The column headings, left to right; a last column of row actions follows, named for screen readers only. */
  columns: readonly string[];
  className?: string;
  /** The rows: one <tr> each. */
  children: ReactNode;
}

/** The table shell the lists share: headings, a row-actions column and the rows given. */
export function DataTable({ columns, className, children }: DataTableProps) {
  return (
    <table className={className ? `ff-table ${className}` : 'ff-table'}>
      <thead>
        <tr>
          {columns.map((column) => (
            <th scope="col" key={column}>
              {column}
            </th>
          ))}
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
