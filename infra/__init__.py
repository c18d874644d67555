"""The picletter Pulumi program: Heroku config vars and job code, Azure Logic Apps that start dynos."""
