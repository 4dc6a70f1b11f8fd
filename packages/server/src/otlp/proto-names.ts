/**
 * Field names of the OTLP messages the wire decoders read, by message and field number. Used
 * only to word error messages ("field 2 (ResourceSpans.scope_spans)"), so it is kept as
 * compact text and parsed on first use.
 */
const FIELD_NAMES_TEXT = `
ExportTraceServiceRequest 1 resource_spans
ExportLogsServiceRequest 1 resource_logs
ExportMetricsServiceRequest 1 resource_metrics
ResourceSpans 1 resource 2 scope_spans 3 schema_url
ResourceLogs 1 resource 2 scope_logs 3 schema_url
ResourceMetrics 1 resource 2 scope_metrics 3 schema_url
ScopeSpans 1 scope 2 spans 3 schema_url
ScopeLogs 1 scope 2 log_records 3 schema_url
ScopeMetrics 1 scope 2 metrics 3 schema_url
Resource 1 attributes 2 dropped_attributes_count 3 entity_refs
InstrumentationScope 1 name 2 version 3 attributes 4 dropped_attributes_count
KeyValue 1 key 2 value
AnyValue 1 string_value 2 bool_value 3 int_value 4 double_value 5 array_value 6 kvlist_value 7 bytes_value
ArrayValue 1 values
KeyValueList 1 values
Span 1 trace_id 2 span_id 3 trace_state 4 parent_span_id 5 name 6 kind 7 start_time_unix_nano 8 end_time_unix_nano 9 attributes 10 dropped_attributes_count 11 events 12 dropped_events_count 13 links 14 dropped_links_count 15 status 16 flags
Status 2 message 3 code
Span.Event 1 time_unix_nano 2 name 3 attributes 4 dropped_attributes_count
Span.Link 1 trace_id 2 span_id 3 trace_state 4 attributes 5 dropped_attributes_count 6 flags
LogRecord 1 time_unix_nano 2 severity_number 3 severity_text 5 body 6 attributes 7 dropped_attributes_count 8 flags 9 trace_id 10 span_id 11 observed_time_unix_nano 12 event_name
Metric 1 name 2 description 3 unit 5 gauge 7 sum 9 histogram 10 exponential_histogram 11 summary 12 metadata
Gauge 1 data_points
Sum 1 data_points 2 aggregation_temporality 3 is_monotonic
Histogram 1 data_points 2 aggregation_temporality
ExponentialHistogram 1 data_points 2 aggregation_temporality
Summary 1 data_points
NumberDataPoint 2 start_time_unix_nano 3 time_unix_nano 4 as_double 5 exemplars 6 as_int 7 attributes 8 flags
HistogramDataPoint 2 start_time_unix_nano 3 time_unix_nano 4 count 5 sum 6 bucket_counts 7 explicit_bounds 8 exemplars 9 attributes 10 flags 11 min 12 max
ExponentialHistogramDataPoint 1 attributes 2 start_time_unix_nano 3 time_unix_nano 4 count 5 sum 6 scale 7 zero_count 8 positive 9 negative 10 flags 11 exemplars 12 min 13 max 14 zero_threshold
ExponentialHistogramDataPoint.Buckets 1 offset 2 bucket_counts
SummaryDataPoint 2 start_time_unix_nano 3 time_unix_nano 4 count 5 sum 6 quantile_values 7 attributes 8 flags
SummaryDataPoint.ValueAtQuantile 1 quantile 2 value
Exemplar 2 time_unix_nano 3 as_double 4 span_id 5 trace_id 6 as_int 7 filtered_attributes
`;

let fieldNames: Map<string, string> | undefined;

function parseFieldNames(): Map<string, string> {
  const names = new Map<string, string>();
  for (const line of FIELD_NAMES_TEXT.trim().split('\n')) {
    const [message = '', ...pairs] = line.split(' ');
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      names.set(`${message} ${pairs[i] ?? ''}`, pairs[i + 1] ?? '');
    }
  }
  return names;
}

/** `"ResourceSpans.scope_spans"`, or just the message name for a field it does not define. */
export function describeField(message: string, field: number): string {
  fieldNames ??= parseFieldNames();
  const name = fieldNames.get(`${message} ${field}`);
  return name === undefined ? message : `${message}.${name}`;
}
