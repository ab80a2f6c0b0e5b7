/**
 * Rendering a {@link org.amdet.ScanReport} for people: the pictures (loss trajectory, landscape contours, Hessian
 * spectrum; JFreeChart) and the self-contained HTML page that inlines them. {@link org.amdet.ScanReports#write}
 * writes both beside the JSON.
 */
package org.amdet.report;
