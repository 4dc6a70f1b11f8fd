/** A dense, sortable table on TanStack Table. */
import {
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type RowData,
  type SortingState,
} from '@tanstack/react-table';
import { useState } from 'react';
import { Icon } from './Icon';
import { cx } from './ui';

declare module '@tanstack/react-table' {
  // Column options of our tables (declaration merging needs the library's type parameters).
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    align?: 'right';
  }
}

export interface DataTableProps<Row> {
  data: Row[];
  columns: ColumnDef<Row>[];
  initialSort?: SortingState;
  onRowClick?: (row: Row) => void;
  rowClassName?: (row: Row) => string | undefined;
  testId?: string;
  /** Keeps the header visible while the table scrolls inside its container. */
  stickyHeader?: boolean;
}

export function DataTable<Row>({
  data,
  columns,
  initialSort = [],
  onRowClick,
  rowClassName,
  testId,
  stickyHeader = true,
}: DataTableProps<Row>) {
  const [sorting, setSorting] = useState<SortingState>(initialSort);
  const table = useReactTable({
    data,
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
  });
  return (
    <table className="w-full border-collapse text-[12.5px]" data-testid={testId}>
      <thead className={cx(stickyHeader && 'sticky top-0 z-10')}>
        {table.getHeaderGroups().map((group) => (
          <tr key={group.id} className="bg-panel-2">
            {group.headers.map((header) => {
              const sorted = header.column.getIsSorted();
              const meta = header.column.columnDef.meta;
              return (
                <th
                  key={header.id}
                  scope="col"
                  aria-sort={
                    sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined
                  }
                  className={cx(
                    'h-8 border-b border-line px-3 text-[11px] font-semibold tracking-wide whitespace-nowrap text-muted uppercase',
                    meta?.align === 'right' ? 'text-right' : 'text-left',
                  )}
                >
                  {header.column.getCanSort() ? (
                    <button
                      type="button"
                      className="inline-flex items-center gap-1 uppercase hover:text-fg"
                      onClick={header.column.getToggleSortingHandler()}
                    >
                      {flexRender(header.column.columnDef.header, header.getContext())}
                      {sorted && (
                        <Icon
                          name="chevronDown"
                          size={12}
                          className={sorted === 'asc' ? 'rotate-180' : ''}
                        />
                      )}
                    </button>
                  ) : (
                    flexRender(header.column.columnDef.header, header.getContext())
                  )}
                </th>
              );
            })}
          </tr>
        ))}
      </thead>
      <tbody>
        {table.getRowModel().rows.map((row) => (
          <tr
            key={row.id}
            onClick={
              onRowClick
                ? () => {
                    onRowClick(row.original);
                  }
                : undefined
            }
            className={cx(
              'border-b border-line last:border-b-0 hover:bg-hover',
              onRowClick && 'cursor-pointer',
              rowClassName?.(row.original),
            )}
          >
            {row.getVisibleCells().map((cell) => {
              const meta = cell.column.columnDef.meta;
              return (
                <td
                  key={cell.id}
                  className={cx(
                    'h-8 px-3 whitespace-nowrap',
                    meta?.align === 'right' && 'tabular text-right',
                  )}
                >
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
