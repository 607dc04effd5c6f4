"""Intelligent planning of Terminvergabe: demand forecast, capacity suggestion, overbooking, charts.

Pure functions over plain values (no database): ``history`` generates a synthetic booking history with
known patterns, ``forecast`` fits a demand model per series (service × location) and backtests it against
the naive same-weekday-last-week baseline, ``capacity`` turns a forecast into suggested seats per opening
window, ``chart`` draws forecast against actuals as inline SVG. ``workdays`` is the calendar they share.
"""
