/* calque-progress-chart.h — annotations over time, as bars
 *
 * The series of calque-progress.h (annotations per hour, per day or per
 * few days, UTC) drawn with Cairo: a bar per bucket in the theme's accent
 * colour, a value axis with round ticks, a time axis in UTC, and a tooltip
 * that gives the bucket's time and count. Without buckets it says its
 * empty text instead. The geometry is calque-chart-math.h.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CALQUE_TYPE_PROGRESS_CHART (calque_progress_chart_get_type ())
G_DECLARE_FINAL_TYPE (CalqueProgressChart, calque_progress_chart, CALQUE, PROGRESS_CHART, GtkWidget)

GtkWidget    *calque_progress_chart_new            (void);
/* Shows @n_buckets counts (copied) of @bucket_ms each from @start_ms;
 * 0 buckets shows the empty text. Draws again only if something changed. */
void          calque_progress_chart_set_series     (CalqueProgressChart *self,
                                                    gint64               start_ms,
                                                    gint64               bucket_ms,
                                                    const gint64        *counts,
                                                    guint                n_buckets);
const gint64 *calque_progress_chart_get_series     (CalqueProgressChart *self,
                                                    gint64              *start_ms,
                                                    gint64              *bucket_ms,
                                                    guint               *n_buckets);
/* Plain text, shown when there are no buckets. */
void          calque_progress_chart_set_empty_text (CalqueProgressChart *self,
                                                    const char          *text);
const char   *calque_progress_chart_get_empty_text (CalqueProgressChart *self);
/* The bucket under (@x, @y) of the widget as last drawn, or -1. */
int           calque_progress_chart_get_bucket_at  (CalqueProgressChart *self,
                                                    double               x,
                                                    double               y);
/* The tooltip of bucket @index: its time, then its count. */
char         *calque_progress_chart_dup_bucket_text (CalqueProgressChart *self,
                                                     guint                index);
/* "12,345": a count with the locale's grouping, as the axis and the
 * tooltip write it; the Dashboard writes its figures alike. */
char         *calque_progress_chart_format_count   (gint64               value);

G_END_DECLS
