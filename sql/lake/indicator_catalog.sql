-- Lake: the indicator catalogue (mart.indicator_catalog): names, targets, the plan's tasks.
SELECT * FROM mart.indicator_catalog
