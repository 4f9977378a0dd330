from django.db import models


class Ward(models.Model):
    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Street(models.Model):
    """A street in the gazetteer, identified by its USRN."""

    usrn = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=100, db_index=True)
    locality = models.CharField(max_length=100, blank=True)
    town = models.CharField(max_length=100)
    ward = models.ForeignKey(Ward, null=True, blank=True, on_delete=models.SET_NULL)
    is_main_road = models.BooleanField(default=False)
    # Start and end points: enough to draw the street and place a pin on it.
    start_lat = models.FloatField()
    start_lon = models.FloatField()
    end_lat = models.FloatField()
    end_lon = models.FloatField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.town}"


class Address(models.Model):
    """A property in the gazetteer, identified by its UPRN."""

    uprn = models.CharField(max_length=12, unique=True)
    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="addresses")
    number_or_name = models.CharField(max_length=60)
    postcode = models.CharField(max_length=8, db_index=True)  # normalised, e.g. "TN23 1AA"
    lat = models.FloatField()
    lon = models.FloatField()

    sort_key = models.IntegerField(default=0)

    class Meta:
        ordering = ["street__name", "sort_key"]
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return self.single_line

    @property
    def single_line(self) -> str:
        return f"{self.number_or_name} {self.street.name}, {self.street.town}, {self.postcode}"
