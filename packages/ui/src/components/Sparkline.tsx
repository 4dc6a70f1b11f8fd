/** A tiny SVG line for table cells (no chart library on the first page). */
export function Sparkline({
  values,
  color = 'var(--accent)',
  width = 96,
  height = 22,
}: {
  values: (number | null)[];
  color?: string;
  width?: number;
  height?: number;
}) {
  const numbers = values.map((v) => v ?? 0);
  if (numbers.length < 2) return <svg width={width} height={height} aria-hidden="true" />;
  const max = Math.max(...numbers, 1e-9);
  const step = width / (numbers.length - 1);
  const y = (v: number) => height - 2 - (v / max) * (height - 4);
  const line = numbers
    .map((v, i) => `${i === 0 ? 'M' : 'L'}${(i * step).toFixed(1)},${y(v).toFixed(1)}`)
    .join('');
  return (
    <svg width={width} height={height} aria-hidden="true" className="overflow-visible">
      <path d={`${line}L${width},${height}L0,${height}Z`} fill={color} opacity={0.12} />
      <path d={line} fill="none" stroke={color} strokeWidth={1.3} />
    </svg>
  );
}
