/**
 * Functions user SQL may call: pure computations over values. Everything else is refused,
 * notably anything touching files, the network, the environment, settings or the catalog
 * (read_*, glob, getenv, current_setting, duckdb_*, pragma_*, query_table, ...), and generators
 * that could allocate without bound (range, generate_series, repeat of huge counts is bounded by
 * the memory limit). Names are DuckDB's, lower case, as the parser reports them.
 */
const AGGREGATES = `count count_star sum avg mean min max any_value first last arg_min arg_max
  argmin argmax min_by max_by median mode quantile quantile_cont quantile_disc approx_quantile
  approx_count_distinct stddev stddev_pop stddev_samp variance var_pop var_samp corr covar_pop
  covar_samp string_agg group_concat list array_agg histogram bool_and bool_or bit_and bit_or
  bit_xor count_if countif product entropy kurtosis skewness sumkahan fsum favg regr_slope
  regr_intercept regr_count regr_r2 regr_avgx regr_avgy`;
const WINDOWS = `row_number rank dense_rank percent_rank cume_dist ntile lag lead first_value
  last_value nth_value`;
const MATH = `abs ceil ceiling floor round trunc sqrt cbrt exp ln log log2 log10 pow power sign
  greatest least mod pi degrees radians sin cos tan asin acos atan atan2 isnan isinf isfinite
  even factorial gcd lcm bit_count round_even add subtract multiply divide`;
const STRINGS = `length len strlen char_length character_length lower upper lcase ucase concat
  concat_ws substr substring left right trim ltrim rtrim replace reverse lpad rpad position
  strpos instr contains starts_with ends_with prefix suffix split_part string_split str_split
  string_split_regex regexp_matches regexp_full_match regexp_replace regexp_extract
  regexp_extract_all regexp_split_to_array like_escape ilike_escape not_like_escape
  not_ilike_escape format printf md5 sha256 hash levenshtein jaro_winkler_similarity
  jaccard damerau_levenshtein hamming ascii chr unicode ord strip_accents translate to_base64
  from_base64 base64 hex unhex bin nfc_normalize array_to_string list_aggr`;
const TIMES = `now current_timestamp get_current_timestamp transaction_timestamp current_date
  date_trunc datetrunc date_part datepart extract epoch epoch_ms epoch_us epoch_ns
  make_timestamp make_timestamptz make_date make_time to_timestamp strftime strptime
  try_strptime time_bucket date_diff datediff date_sub datesub age year month day hour minute
  second millisecond microsecond dayofweek dayofmonth dayofyear weekday week weekofyear isodow
  isoyear quarter yearweek last_day monthname dayname to_days to_hours to_minutes to_seconds
  to_milliseconds to_microseconds to_years to_months to_weeks to_centuries to_decades
  to_millennia timezone make_interval`;
const CONDITIONAL = `coalesce ifnull nullif if iif typeof`;
const JSON_FUNCTIONS = `json_extract json_extract_string json_extract_path json_extract_path_text
  json_value json_exists json_keys json_type json_valid json_array_length json_object
  json_array json_quote to_json json json_contains json_structure json_merge_patch
  json_group_array json_group_object`;
const LISTS = `list_value array_value list_pack list_extract array_extract list_element
  list_contains array_contains list_has array_has list_position list_indexof array_length
  list_distinct array_distinct list_unique list_sort array_sort list_reverse_sort list_reverse
  list_aggregate list_aggr array_aggregate list_transform array_transform list_apply apply
  list_filter array_filter filter list_reduce reduce list_concat array_concat list_cat
  array_cat list_slice array_slice flatten list_sum list_min list_max list_avg list_count
  list_first list_last list_zip list_select list_where list_has_any list_has_all
  list_intersect cardinality unnest struct_pack struct_extract struct_insert row map
  map_extract map_keys map_values element_at`;
/** Operators appear as functions with symbolic names. */
const OPERATORS = `+ - * / // % ^ ** || ~~ !~~ ~~* !~~* ~~~ !~~~ & | # ~ << >> @ ->> -> []
  array_slice`;

export const ALLOWED_FUNCTIONS: ReadonlySet<string> = new Set(
  [AGGREGATES, WINDOWS, MATH, STRINGS, TIMES, CONDITIONAL, JSON_FUNCTIONS, LISTS, OPERATORS]
    .join(' ')
    .split(/\s+/)
    .filter((name) => name !== ''),
);
