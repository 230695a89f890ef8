"""The Qt front end: widgets and item models only. Business logic lives in the core."""
